import { and, asc, eq, gt, gte, lt, ne, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import type { BookingRow, PolicyRow } from './scheduling.repo';
import { availabilityPolicies, bookings } from './scheduling.schema';

/**
 * What other modules may read of bookings, through index.ts (#14): batch reads, in the caller's transaction when it
 * passes one (billing reads a booking's price, tutor, series and reschedule chain to take and settle its payment).
 */
const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
const uuids = (ids: readonly string[]) => sql.param([...new Set(ids)].filter(isUuid));

/** The bookings with these ids (any status); ids that name none are left out. */
export async function bookingsByIds(q: Db | Tx, ids: readonly string[]): Promise<BookingRow[]> {
  if (!ids.length) return [];
  return q.select().from(bookings).where(sql`${bookings.id} = any(${uuids(ids)}::uuid[])`);
}

/** Every booking of these weekly series, earliest first. */
export async function bookingsOfSeries(q: Db | Tx, seriesIds: readonly string[]): Promise<BookingRow[]> {
  if (!seriesIds.length) return [];
  return q.select().from(bookings).where(sql`${bookings.seriesId} = any(${uuids(seriesIds)}::uuid[])`).orderBy(asc(bookings.startsAt));
}

/** These tutors' availability policies (tutors who never published one are left out): one query for all of them. */
export async function availabilityPoliciesOf(q: Db | Tx, tutorIds: readonly string[]): Promise<PolicyRow[]> {
  if (!tutorIds.some(isUuid)) return [];
  return q.select().from(availabilityPolicies).where(sql`${availabilityPolicies.tutorId} = any(${uuids(tutorIds)}::uuid[])`);
}

/**
 * These tutors' non-cancelled bookings overlapping [from, to), by tutor and start (expired holds included: busyIntervals
 * drops them). Read by scheduling.busy.ts, the one definition of what keeps a tutor busy.
 */
export async function activeBookingsOf(q: Db | Tx, tutorIds: readonly string[], from: Date, to: Date): Promise<BookingRow[]> {
  if (!tutorIds.some(isUuid)) return [];
  return q
    .select()
    .from(bookings)
    .where(and(sql`${bookings.tutorId} = any(${uuids(tutorIds)}::uuid[])`, ne(bookings.status, 'cancelled'), lt(bookings.startsAt, to), gt(bookings.endsAt, from)))
    .orderBy(asc(bookings.tutorId), asc(bookings.startsAt));
}

/** The booking, locked for the caller's transaction (tutors writes a review and its figures under the lock). */
export async function lockBooking(tx: Tx, id: string): Promise<BookingRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await tx.select().from(bookings).where(sql`${bookings.id} = ${id}`).limit(1).for('update');
  return row;
}

/** What recommendations learn from a booking (#17): who, when, and how it ended (completed, no-show, cancelled by whom). */
export interface BookingHistoryRow {
  id: string;
  studentId: string;
  tutorId: string;
  startsAt: Date;
  status: BookingRow['status'];
  outcome: BookingRow['outcome'];
  cancelledBy: string | null;
  /** The subject and level it was booked in; null for a booking made without one. */
  subjectId: string | null;
  level: string | null;
}

/** Bookings (of one student, when given) that started in [since, until) and were settled or cancelled: the lessons recommendations train on. */
export async function bookingHistoryBetween(q: Db | Tx, range: { since: Date; until: Date; studentId?: string | undefined }): Promise<BookingHistoryRow[]> {
  return q
    .select({ id: bookings.id, studentId: bookings.studentId, tutorId: bookings.tutorId, startsAt: bookings.startsAt, status: bookings.status, outcome: bookings.outcome, cancelledBy: bookings.cancelledBy, subjectId: bookings.subjectId, level: bookings.level })
    .from(bookings)
    .where(and(sql`${bookings.status} in ('completed', 'no_show', 'cancelled', 'confirmed')`, gte(bookings.startsAt, range.since), lt(bookings.startsAt, range.until), range.studentId ? eq(bookings.studentId, range.studentId) : undefined))
    .orderBy(asc(bookings.startsAt));
}
