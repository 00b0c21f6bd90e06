import type { CallMode } from './types';

/** Pure decisions for low-bandwidth mode: when the network asks for it, and what each sender may then use. */

export const LOW_BANDWIDTH = {
  /** Enter when the estimated upload stays under this, or loss over enterLoss, for samplesToEnter samples in a row. */
  enterBelowBps: 250_000,
  enterLoss: 0.08,
  samplesToEnter: 2,
  /** Leave again only after a long clean stretch, so the mode does not flap. */
  exitAboveBps: 600_000,
  exitLoss: 0.02,
  samplesToExit: 15,
  videoMaxBitrate: 150_000,
  videoHeight: 180,
  videoMaxFramerate: 15,
  audioMaxBitrate: 32_000,
} as const;

/** Full mode still caps video: a 640×360 call needs no more, and cheap phones heat up encoding more. */
const FULL_VIDEO_MAX_BITRATE = 800_000;

export interface NetworkSample {
  availableOutgoingBitrate: number | null;
  /** The worse of inbound and outbound loss, 0..1. */
  loss: number | null;
}

function isBad(s: NetworkSample): boolean {
  return (s.availableOutgoingBitrate !== null && s.availableOutgoingBitrate < LOW_BANDWIDTH.enterBelowBps) || (s.loss ?? 0) > LOW_BANDWIDTH.enterLoss;
}
function isClean(s: NetworkSample): boolean {
  return s.availableOutgoingBitrate !== null && s.availableOutgoingBitrate >= LOW_BANDWIDTH.exitAboveBps && (s.loss ?? 0) < LOW_BANDWIDTH.exitLoss;
}

/**
 * What the measurements ask for, given the newest samples last. Only switches between 'full' and 'low':
 * 'audio-board' is the user's choice, since without video the estimate can no longer show that things got better.
 */
export function measuredMode(history: readonly NetworkSample[], current: CallMode): CallMode {
  if (current === 'audio-board') return current;
  const last = (n: number) => (history.length >= n ? history.slice(-n) : null);
  if (current === 'full') return last(LOW_BANDWIDTH.samplesToEnter)?.every(isBad) ? 'low' : 'full';
  return last(LOW_BANDWIDTH.samplesToExit)?.every(isClean) ? 'full' : 'low';
}

export interface VideoEncoding {
  maxBitrate: number;
  scaleResolutionDownBy: number;
  maxFramerate: number;
}

/**
 * Encoding limits for the video sender. `low` is true when either side is in low-bandwidth mode (the other side's
 * download is as precious as our upload). A screen keeps more pixels and fewer frames: text must stay readable.
 */
export function videoEncoding(low: boolean, source: 'camera' | 'screen', trackHeight: number | null): VideoEncoding {
  const targetHeight = source === 'screen' ? (low ? 720 : 1080) : low ? LOW_BANDWIDTH.videoHeight : 720;
  const scale = trackHeight && trackHeight > targetHeight ? trackHeight / targetHeight : 1;
  return {
    maxBitrate: low ? LOW_BANDWIDTH.videoMaxBitrate : source === 'screen' ? 1_200_000 : FULL_VIDEO_MAX_BITRATE,
    scaleResolutionDownBy: Math.round(scale * 100) / 100,
    maxFramerate: source === 'screen' ? (low ? 5 : 15) : low ? LOW_BANDWIDTH.videoMaxFramerate : 30,
  };
}

/** Opus's own default (about 32–40 kbit/s for speech) is fine in full mode; low mode pins it. */
export function audioMaxBitrate(low: boolean): number | undefined {
  return low ? LOW_BANDWIDTH.audioMaxBitrate : undefined;
}
