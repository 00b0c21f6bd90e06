import type { ConnectivityReportBody } from '@tutorline/contracts';

/** Pure decisions of the /check self-test: no I/O; randomness is passed in. */

/** No 0/O, 1/I/L: a child reads the code aloud or types it from a phone screen. */
export const REPORT_ID_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const REPORT_ID_LENGTH = 8;

/** Turns 8 indexes into the alphabet into an id such as "K7Q4-M2XA". */
export function formatReportId(indexes: readonly number[]): string {
  const chars = indexes.map((i) => REPORT_ID_ALPHABET[i]!).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4)}`;
}

/** What a user typed or read out ("k7q4 m2xa", "K7Q4M2XA") → the stored form, or null when it cannot be a report id. */
export function normaliseReportId(input: string): string | null {
  const chars = input.toUpperCase().replace(/[\s\-_.]/g, '');
  if (chars.length !== REPORT_ID_LENGTH) return null;
  for (const c of chars) if (!REPORT_ID_ALPHABET.includes(c)) return null;
  return `${chars.slice(0, 4)}-${chars.slice(4)}`;
}

/** About the bitrate of 180p video: below it calls fall back to audio. */
export const LOW_BANDWIDTH_KBPS = 150;

type Status = ConnectivityReportBody['camera']['status'];

/**
 * fail: neither camera nor microphone works, or no way for media to travel (no public address and no relay);
 * warn: anything else failed or looked weak; pass: everything that was tested worked.
 */
export function overallStatus(r: ConnectivityReportBody): Status {
  if (r.camera.status === 'fail' && r.microphone.status === 'fail') return 'fail';
  const paths = [r.stun.status, r.turnUdp.status, r.turnTcp.status];
  if (!paths.includes('pass') && paths.includes('fail')) return 'fail';
  const statuses: Status[] = [r.camera.status, r.microphone.status, r.speaker.status, ...paths];
  if (statuses.some((s) => s === 'fail' || s === 'warn')) return 'warn';
  if (!paths.includes('pass')) return 'warn';
  const slow = [r.uploadKbps, r.downloadKbps].some((k) => k !== null && k < LOW_BANDWIDTH_KBPS);
  return slow ? 'warn' : 'pass';
}

/**
 * Splits TURN URLs by transport, so the page can test each on its own.
 * "turn:h:p" without a transport is UDP; "turns:" runs over TLS, i.e. TCP.
 */
export function splitTurnUrls(urls: readonly string[]): { udpUrls: string[]; tcpUrls: string[] } {
  const udpUrls: string[] = [];
  const tcpUrls: string[] = [];
  for (const url of urls) {
    const transport = /[?&]transport=(udp|tcp)\b/i.exec(url)?.[1]?.toLowerCase();
    if (url.toLowerCase().startsWith('turns:') || transport === 'tcp') tcpUrls.push(url);
    else udpUrls.push(url);
  }
  return { udpUrls, tcpUrls };
}
