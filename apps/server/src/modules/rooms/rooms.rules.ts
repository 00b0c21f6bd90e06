/** Pure decisions about tutoring sessions (time passed in). */

export interface SessionActivity {
  kind: 'instant' | 'booking';
  status: 'active' | 'ended';
  startedAt: Date;
  /** The session's last call event (a join, a leave, a quality sample…), or null when nobody ever joined. */
  lastActivityAt: Date | null;
}

/**
 * Whether an open instant-help session was abandoned: nobody is in its room now, and nothing has happened in it for
 * `graceMs` (longer than a reconnect). Booked lessons are settled by their own sweep at their end, never here.
 */
export function isAbandoned(s: SessionActivity, someoneInRoom: boolean, now: Date, graceMs: number): boolean {
  if (s.kind !== 'instant' || s.status !== 'active' || someoneInRoom) return false;
  const last = Math.max(s.startedAt.getTime(), s.lastActivityAt?.getTime() ?? 0);
  return now.getTime() - last >= graceMs;
}
