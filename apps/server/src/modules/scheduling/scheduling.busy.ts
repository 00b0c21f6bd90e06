import type { Db, Tx } from '../../platform/db';
import { instantSessionsInProgress } from '../rooms';
import { activeBookingsOf } from './scheduling.lookups.repo';
import type { Busy } from './scheduling.rules';

/**
 * An instant-help session in progress has no planned end; it counts as busy from its start for this long.
 * Instant sessions are short (one question), so an hour covers nearly all of them; when one runs longer, the
 * tutor's next booked lesson still stands (bookings win), and slots reopen once the session ends.
 */
export const INSTANT_SESSION_BUSY_MINUTES = 60;
const MINUTE_MS = 60_000;

export interface BusyRange {
  from: Date;
  to: Date;
  /** The time a hold is judged against: a hold that lapsed by then no longer blocks. */
  now: Date;
  /** A booking not to count (a lapsed hold being confirmed late is checked against the others). */
  ignoreBookingId?: string | undefined;
}

/**
 * What keeps each tutor busy in [from, to), defined once (#14): their non-cancelled bookings there (a hold only while
 * it is live), then their instant-help sessions in progress (busy for INSTANT_SESSION_BUSY_MINUTES from the start,
 * read through rooms' index). Two queries however many tutors; every asked tutor has an entry. Used by scheduling's
 * slots and booking checks, by tutor search, and by the slots bench.
 */
export async function busyIntervals(q: Db | Tx, tutorIds: readonly string[], range: BusyRange): Promise<Map<string, Busy[]>> {
  const out = new Map<string, Busy[]>(tutorIds.map((id) => [id, []]));
  if (!tutorIds.length) return out;
  const [booked, instant] = await Promise.all([activeBookingsOf(q, tutorIds, range.from, range.to), instantSessionsInProgress(q, tutorIds)]);
  const add = (tutorId: string, b: Busy) => {
    const list = out.get(tutorId);
    if (list) list.push(b);
    else out.set(tutorId, [b]);
  };
  for (const b of booked) {
    // A hold that has expired no longer blocks (it is cancelled for real by the next booking of this tutor, or the sweep).
    if (b.id === range.ignoreBookingId || (b.status === 'held' && b.heldUntil && b.heldUntil <= range.now)) continue;
    add(b.tutorId, { start: b.startsAt, end: b.endsAt, kind: 'booking' });
  }
  for (const s of instant) add(s.tutorId, { start: s.startedAt, end: new Date(s.startedAt.getTime() + INSTANT_SESSION_BUSY_MINUTES * MINUTE_MS), kind: 'instant' });
  return out;
}
