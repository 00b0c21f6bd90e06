/** Constants shared by server and web with no runtime dependency (the web imports these without pulling in zod). */

/** The connectivity self-test's upload and download size. */
export const CHECK_LIMITS = { maxTransferBytes: 2 * 1024 * 1024 } as const;

/**
 * The live tutoring room: schemas for what a browser sends over Socket.IO (the server checks every message against
 * these), and the types of what the server sends back. One Socket.IO room per tutoring session: roomOf(sessionId).
 */
export const roomOf = (sessionId: string): string => `room:${sessionId}`;

/** Limits the server enforces; the web client keeps under them. */
export const ROOM_LIMITS = {
  sdpChars: 32_000,
  candidateChars: 1_000,
  chatChars: 2_000,
  /** One Yjs update; a board snapshot sent on join may be larger (it goes server → client). */
  boardUpdateBytes: 60_000,
  /** Messages a socket may send into a room per second (token bucket), and the burst it may save up. */
  messagesPerSecond: 40,
  burst: 120,
  /** Chat history sent on join. */
  historyMessages: 500,
} as const;


/**
 * Booked lessons in the live room (issue #6): the room opens this long before the start and stays open until the end
 * plus a grace; a party not in the room by start + noShowAfterMinutes is a no-show.
 */
export const LESSON_TIMES = { roomOpensMinutesBefore: 10, roomGraceMinutes: 15, noShowAfterMinutes: 15 } as const;

/** Weekly lessons: 2 to 12 occurrences at the tutor's same wall-clock time. */
export const SERIES_WEEKS = { min: 2, max: 12 } as const;

/** Parts of the day, read in the learner's zone: morning 06–12, afternoon 12–17, evening 17–21, night 21–06. */
export const timesOfDay = ['morning', 'afternoon', 'evening', 'night'] as const;

/** Orders of tutor search results. */
export const tutorSorts = ['relevance', 'rating', 'price_asc', 'price_desc', 'recommended'] as const;

export const TUTOR_SEARCH_LIMITS = { maxPageSize: 50, defaultPageSize: 20, defaultAvailabilityDays: 14, maxAvailabilityDays: 60, reviewsPageSize: 10 } as const;

/** About the bitrate of 180p video: below it calls fall back to audio (the /check speed rows warn). */
export const LOW_BANDWIDTH_KBPS = 150;

export type CheckVerdict = 'pass' | 'warn' | 'fail' | 'skipped';

/** What this site offers calls, learnt from GET /api/check/ice-servers: a STUN server, a TURN relay per transport. */
export interface CheckSetup {
  stun: boolean;
  turnUdp: boolean;
  turnTcp: boolean;
}
/** A site that offers every way a call can travel. */
export const FULL_CHECK_SETUP: CheckSetup = { stun: true, turnUdp: true, turnTcp: true };

export interface CheckStatuses {
  camera: CheckVerdict;
  microphone: CheckVerdict;
  speaker: CheckVerdict;
  stun: CheckVerdict;
  turnUdp: CheckVerdict;
  turnTcp: CheckVerdict;
  uploadKbps: number | null;
  downloadKbps: number | null;
}

/**
 * The /check verdict on the user's own device and network (the server stores it; the page shows it):
 * fail when neither camera nor microphone works, or when no way the site offers can carry media; warn when anything
 * else failed or looked weak; pass otherwise. A way the site does not offer (no STUN, no relay) is left out: that is
 * the site's setup, shown apart as a note about the site, never counted against the user's network.
 */
export function connectivityVerdict(r: CheckStatuses, setup: CheckSetup = FULL_CHECK_SETUP): Exclude<CheckVerdict, 'skipped'> {
  if (r.camera === 'fail' && r.microphone === 'fail') return 'fail';
  const paths = (['stun', 'turnUdp', 'turnTcp'] as const).filter((way) => setup[way]).map((way) => r[way]);
  if (!paths.includes('pass') && paths.includes('fail')) return 'fail';
  if ([r.camera, r.microphone, r.speaker, ...paths].some((s) => s === 'fail' || s === 'warn')) return 'warn';
  // The site offers a way, and none of them was shown to work.
  if (paths.length && !paths.includes('pass')) return 'warn';
  const slow = [r.uploadKbps, r.downloadKbps].some((k) => k !== null && k < LOW_BANDWIDTH_KBPS);
  return slow ? 'warn' : 'pass';
}
