import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../../../platform/db';
import { payoutAccounts, payouts } from '../billing.schema';

export type PayoutAccountRow = typeof payoutAccounts.$inferSelect;

/** The only code that touches payout_accounts (a tutor's payouts are read here for finance's view too). */
export function createPayoutAccountsRepo(db: Db) {
  return {
    db,
    async forTutor(q: Db | Tx, tutorId: string, lock = false) {
      const s = q.select().from(payoutAccounts).where(eq(payoutAccounts.tutorId, tutorId));
      const [row] = lock ? await s.for('update') : await s;
      return row ?? null;
    },
    async byDestination(q: Db | Tx, provider: PayoutAccountRow['provider'], destination: string) {
      const [row] = await q.select().from(payoutAccounts).where(and(eq(payoutAccounts.provider, provider), eq(payoutAccounts.destination, destination))).for('update');
      return row ?? null;
    },
    /** One account per tutor: a new one replaces the old (a tutor changing where their money goes). */
    async save(q: Db | Tx, values: typeof payoutAccounts.$inferInsert) {
      const { id: _id, tutorId: _t, createdAt: _c, ...rest } = values;
      const [row] = await q.insert(payoutAccounts).values(values).onConflictDoUpdate({ target: payoutAccounts.tutorId, set: rest }).returning();
      return row!;
    },
    async update(q: Db | Tx, id: string, patch: Partial<typeof payoutAccounts.$inferInsert>) {
      const [row] = await q.update(payoutAccounts).set(patch).where(eq(payoutAccounts.id, id)).returning();
      return row!;
    },
    async all(q: Db | Tx) {
      return q.select().from(payoutAccounts).orderBy(desc(payoutAccounts.updatedAt));
    },
    /** Tutors' most recent payouts (newest first), for finance's view. */
    async recentPayouts(q: Db | Tx, tutorIds: string[], perTutor: number) {
      if (!tutorIds.length) return [];
      const rows = await q.select().from(payouts).where(inArray(payouts.tutorId, tutorIds)).orderBy(desc(payouts.createdAt));
      const seen = new Map<string, number>();
      return rows.filter((r) => {
        const n = seen.get(r.tutorId) ?? 0;
        seen.set(r.tutorId, n + 1);
        return n < perTutor;
      });
    },
    async tutorsWithPayouts(q: Db | Tx) {
      const rows = await q.selectDistinct({ tutorId: payouts.tutorId }).from(payouts);
      return rows.map((r) => r.tutorId);
    },
  };
}
export type PayoutAccountsRepo = ReturnType<typeof createPayoutAccountsRepo>;
