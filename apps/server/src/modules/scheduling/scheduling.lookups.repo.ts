import { asc, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import type { BookingRow } from './scheduling.repo';
import { bookings } from './scheduling.schema';

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
