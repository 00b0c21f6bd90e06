import { and, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { bookings } from './scheduling.schema';

/**
 * What a student's bookings made in [since, until) cost, held or confirmed or done (not cancelled or lapsed), in minor
 * units: a guardian's monthly spending limit counts it (issue #20, through index.ts).
 */
export async function bookingSpendOfStudent(q: Db | Tx, studentId: string, range: { since: Date; until: Date }): Promise<number> {
  const [row] = await q
    .select({ total: sql<string>`coalesce(sum(${bookings.priceMinor}), 0)` })
    .from(bookings)
    .where(and(eq(bookings.studentId, studentId), gte(bookings.createdAt, range.since), lt(bookings.createdAt, range.until), sql`${bookings.status} in ('held', 'confirmed', 'completed', 'no_show')`));
  return Number(row?.total ?? 0);
}
