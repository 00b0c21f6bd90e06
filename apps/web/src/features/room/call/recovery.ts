/**
 * Pure policy for bringing a dropped call back: restart ICE a few times, then build a new peer connection.
 * The engine asks for the next step each time a recovery attempt did not reach 'connected' in time.
 */

export const RECOVERY = {
  /** 'disconnected' often heals by itself (a Wi-Fi blip); restart only after this long. */
  disconnectedGraceMs: 3_000,
  /** An attempt that has not reached 'connected' by then counts as failed. */
  attemptTimeoutMs: 10_000,
  /** First connection of a new peer connection. */
  setupTimeoutMs: 20_000,
  restartsBeforeRecreate: 3,
  /** After this many new peer connections without success the UI says 'failed' (the engine keeps trying). */
  recreatesBeforeFailed: 2,
} as const;

export interface RecoveryProgress {
  /** ICE restarts on the current peer connection since it was last connected. */
  restarts: number;
  /** New peer connections since the call was last connected. */
  recreates: number;
}

export type RecoveryStep = { action: 'restart-ice' | 'recreate'; shownAs: 'reconnecting' | 'failed' };

export function nextRecoveryStep(p: RecoveryProgress): RecoveryStep {
  const action = p.restarts < RECOVERY.restartsBeforeRecreate ? 'restart-ice' : 'recreate';
  const recreates = p.recreates + (action === 'recreate' ? 1 : 0);
  return { action, shownAs: recreates > RECOVERY.recreatesBeforeFailed ? 'failed' : 'reconnecting' };
}

/** How the call came back, for the 'reconnected' event. */
export function recoveredHow(p: RecoveryProgress): 'by-itself' | 'ice-restart' | 'renegotiation' {
  if (p.recreates > 0) return 'renegotiation';
  return p.restarts > 0 ? 'ice-restart' : 'by-itself';
}

/** The session id from an SDP's o= line: a new one means the other side built a new peer connection. */
export function sdpSessionId(sdp: string | undefined): string | null {
  const match = sdp ? /^o=\S+ (\d+) /m.exec(sdp) : null;
  return match ? match[1]! : null;
}

export interface CallFacts {
  otherPresent: boolean;
  /** ICE is connected (or completed) right now. */
  mediaConnected: boolean;
  /** Media was connected at least once in this call. */
  everConnected: boolean;
  /** Recovery has gone on long enough to tell the user it is not working. */
  failed: boolean;
}

/** The state the UI shows and the other side sees. */
export function callState(f: CallFacts): 'waiting' | 'connecting' | 'connected' | 'reconnecting' | 'failed' {
  // Media can outlive a socket drop on either side: while it flows, the call is connected.
  if (f.mediaConnected) return 'connected';
  if (!f.otherPresent) return 'waiting';
  if (f.failed) return 'failed';
  return f.everConnected ? 'reconnecting' : 'connecting';
}

/**
 * Whether the other side came back with a brand-new call (a reload, another tab) while our peer connection, which had
 * connected, still points at their old one: they left after it connected, and now report a call that has never
 * connected. ICE would take seconds to notice and the polite side waits for an offer first, so the impolite side
 * builds a new connection and offers at once. A socket blip leaves their call 'connected' (or 'reconnecting').
 */
export function otherRestartedCall(f: { theirConnection: string | undefined; pcConnectedAt: number | null; otherAbsentSince: number | null }): boolean {
  if (f.pcConnectedAt === null || f.otherAbsentSince === null || f.otherAbsentSince <= f.pcConnectedAt) return false;
  return f.theirConnection === 'waiting' || f.theirConnection === 'connecting';
}
