import { and, asc, eq, gte, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../../platform/db';
import { payoutRuns, payouts } from '../billing.schema';
import type { PayoutStatus } from './payouts.rules';

export type PayoutRow = typeof payouts.$inferSelect;

/** Serialises payout runs (one at a time across nodes): a transaction-scoped advisory lock. */
const RUN_LOCK = 727_007;

/** The only code that touches payout_runs and payouts (what a payable holds is the ledger's: LedgerRepo.payableSums). */
export function createPayoutsRepo(db: Db) {
  return {
    db,
    async lockRuns(tx: Tx) {
      await tx.execute(sql`select pg_advisory_xact_lock(${RUN_LOCK})`);
    },
    async unfinishedRun(tx: Db | Tx) {
      const [row] = await tx.select().from(payoutRuns).where(eq(payoutRuns.status, 'running')).orderBy(asc(payoutRuns.startedAt)).limit(1);
      return row;
    },
    async insertRun(tx: Tx, cutoffAt: Date, startedAt: Date) {
      const [row] = await tx.insert(payoutRuns).values({ cutoffAt, startedAt, status: 'running' }).returning();
      return row!;
    },
    async finishRun(tx: Db | Tx, runId: string, at: Date) {
      await tx.update(payoutRuns).set({ status: 'finished', finishedAt: at }).where(eq(payoutRuns.id, runId));
    },
    async insertPayout(tx: Tx, values: typeof payouts.$inferInsert): Promise<PayoutRow | null> {
      const [row] = await tx.insert(payouts).values(values).onConflictDoNothing({ target: [payouts.runId, payouts.tutorId, payouts.currency] }).returning();
      return row ?? null;
    },
    async payoutsOfRun(tx: Db | Tx, runId: string) {
      return tx.select().from(payouts).where(eq(payouts.runId, runId)).orderBy(asc(payouts.createdAt), asc(payouts.id));
    },
    async find(tx: Db | Tx, id: string, lock = false) {
      const q = tx.select().from(payouts).where(eq(payouts.id, id));
      const [row] = lock ? await q.for('update') : await q;
      return row;
    },
    async move(tx: Db | Tx, id: string, from: PayoutStatus, patch: Partial<typeof payouts.$inferInsert>) {
      const [row] = await tx.update(payouts).set(patch).where(and(eq(payouts.id, id), eq(payouts.status, from))).returning();
      return row;
    },
    async forTutor(tx: Db | Tx, tutorId: string) {
      return tx.select().from(payouts).where(eq(payouts.tutorId, tutorId)).orderBy(asc(payouts.createdAt));
    },
    async inTransit(tx: Db | Tx, since: Date) {
      return tx.select().from(payouts).where(and(eq(payouts.status, 'in_transit'), gte(payouts.createdAt, since)));
    },
    async paidTotals(tx: Db | Tx, tutorId: string) {
      const rows = await tx
        .select({ currency: payouts.currency, status: payouts.status, total: sql<string>`sum(${payouts.amountMinor})` })
        .from(payouts)
        .where(eq(payouts.tutorId, tutorId))
        .groupBy(payouts.currency, payouts.status);
      return rows.map((r) => ({ ...r, total: Number(r.total) }));
    },
  };
}
export type PayoutsRepo = ReturnType<typeof createPayoutsRepo>;
