import type { ConnectivityReport } from '@tutorline/contracts';
import { LOW_BANDWIDTH_KBPS } from '@tutorline/contracts/plain';
import type { CheckOutcome } from './check-problems';

export const stepIds = ['camera', 'microphone', 'speaker', 'stun', 'turnUdp', 'turnTcp', 'upload', 'download'] as const;
export type StepId = (typeof stepIds)[number];
export type Verdict = 'pass' | 'warn' | 'fail' | 'skipped';
export type RowStatus = 'waiting' | 'running' | Verdict;

/**
 * A row of the page: waiting, running, or what the step found. `detail` is what we saw, in plain words (it goes into the
 * report); a warn or fail is a Problem and so always carries its tip (check-problems.ts).
 */
export type RowState = ({ status: 'waiting' | 'running'; detail: string } | CheckOutcome) & {
  /** 0..1 while an upload or download runs. */
  progress: number | null;
};

export const stepTitles: Record<StepId, string> = {
  camera: 'Camera',
  microphone: 'Microphone',
  speaker: 'Speaker',
  stun: 'Internet connection',
  turnUdp: 'Video relay (fast way)',
  turnTcp: 'Video relay (backup way)',
  upload: 'Upload speed',
  download: 'Download speed',
};

export const stepWaitingText: Record<StepId, string> = {
  camera: 'We will ask to use your camera.',
  microphone: 'We will ask to use your microphone.',
  speaker: 'We will play a short sound.',
  stun: 'Can calls reach you directly?',
  turnUdp: 'Our relay over UDP.',
  turnTcp: 'Our relay over TCP.',
  upload: 'How fast you can send.',
  download: 'How fast you can receive.',
};

export const statusLabels: Record<RowStatus, string> = {
  waiting: 'Waiting',
  running: 'Checking…',
  pass: 'Works',
  warn: 'Check this',
  fail: 'Problem',
  skipped: 'Skipped',
};

export const overallText: Record<Verdict, { title: string; body: string }> = {
  pass: { title: 'You are ready for video lessons!', body: 'Everything we tested works.' },
  warn: { title: 'Lessons should work, with a few problems', body: 'Look at the tips below to make calls better.' },
  fail: { title: 'Video lessons will not work yet', body: 'Follow the tips below, then run the test again.' },
  skipped: { title: 'Some tests could not run', body: 'Look at the tips below.' },
};

/** The rows of a saved report, in the page's order, for the admin view. */
export function reportRows(r: ConnectivityReport): { id: StepId; status: Verdict; detail: string }[] {
  const speed = (kbps: number | null) => (kbps === null ? { status: 'skipped' as const, detail: 'Not measured.' } : { status: speedVerdict(kbps), detail: formatKbps(kbps) });
  return [
    { id: 'camera', ...r.camera },
    { id: 'microphone', ...r.microphone },
    { id: 'speaker', ...r.speaker },
    { id: 'stun', ...r.stun },
    { id: 'turnUdp', ...r.turnUdp },
    { id: 'turnTcp', ...r.turnTcp },
    { id: 'upload', ...speed(r.uploadKbps) },
    { id: 'download', ...speed(r.downloadKbps) },
  ];
}

/** 180p video needs about 150 kbit/s and voice about 32 (see DESIGN.md). */
export function speedVerdict(kbps: number): Verdict {
  if (kbps >= LOW_BANDWIDTH_KBPS) return 'pass';
  if (kbps >= 32) return 'warn';
  return 'fail';
}

export function formatKbps(kbps: number): string {
  return kbps >= 1000 ? `${(kbps / 1000).toFixed(kbps >= 10_000 ? 0 : 1)} Mbit/s` : `${Math.round(kbps)} kbit/s`;
}
