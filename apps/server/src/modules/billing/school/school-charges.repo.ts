import { and, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../../platform/db';
import { ledgerTransactions } from '../billing.schema';
import type { SchoolCharge, SchoolEarningData } from './school-lessons';

/** What the school was billed for these lessons (those not billed are absent): read for lti's course statement. */
export async function schoolLessonCharges(q: Db | Tx, bookingIds: readonly string[]): Promise<SchoolCharge[]> {
  if (!bookingIds.length) return [];
  const t = ledgerTransactions;
  const rows = await q
    .select({ bookingId: t.bookingId, data: t.data, at: t.occurredAt })
    .from(t)
    .where(and(inArray(t.idempotencyKey, bookingIds.map((id) => `earning:lesson:${id}`)), sql`${t.data}->>'purpose' = 'school'`));
  return rows.map((r) => {
    const d = r.data as SchoolEarningData;
    return { bookingId: r.bookingId!, courseId: d.courseId, amountMinor: Number(d.amountMinor), tutorMinor: Number(d.tutorMinor), currency: d.currency, at: r.at };
  });
}
