import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, lte, ne, or, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../../platform/db';
import { billingPlans, payments, subscriptions } from '../billing.schema';

const statusOrder: Record<string, number> = { active: 0, trialing: 0, past_due: 1, lapsed: 2, incomplete: 3, canceled: 4, refunded: 5 };

/** Reads (and, for included questions, counts) subscriptions; plans and subscriptions are written by the provider side. */
export function createEntitlementsRepo(db: Db) {
  return {
    db,
    /** The student's most relevant subscription with its plan (active before past due before lapsed …), locked when in a transaction. */
    async currentSubscription(tx: Db | Tx, studentId: string, lock = false) {
      const q = tx
        .select({ sub: subscriptions, plan: billingPlans })
        .from(subscriptions)
        .innerJoin(billingPlans, eq(billingPlans.id, subscriptions.planId))
        .where(eq(subscriptions.studentId, studentId))
        .orderBy(desc(subscriptions.updatedAt));
      const rows = lock ? await q.for('update', { of: subscriptions }) : await q;
      return rows.sort((a, b) => (statusOrder[a.sub.status] ?? 9) - (statusOrder[b.sub.status] ?? 9))[0];
    },
    async smallestPack(tx: Db | Tx) {
      const [row] = await tx
        .select({ questions: billingPlans.questions })
        .from(billingPlans)
        .where(and(eq(billingPlans.kind, 'credit_pack'), eq(billingPlans.active, true)))
        .orderBy(asc(billingPlans.questions))
        .limit(1);
      return row ?? null;
    },
    /** One more included question used, unless the plan's count is reached (a conditional update: no overuse under concurrency). */
    async useIncluded(tx: Tx, subscriptionId: string, limit: number): Promise<boolean> {
      const rows = await tx
        .update(subscriptions)
        .set({ questionsUsed: sql`${subscriptions.questionsUsed} + 1` })
        .where(and(eq(subscriptions.id, subscriptionId), sql`${subscriptions.questionsUsed} < ${limit}`))
        .returning({ id: subscriptions.id });
      return rows.length === 1;
    },
    /** Gives an included question back if it was counted in the subscription's current period. */
    async returnIncluded(tx: Tx, studentId: string, askedAt: Date): Promise<string | null> {
      const rows = await tx
        .update(subscriptions)
        .set({ questionsUsed: sql`${subscriptions.questionsUsed} - 1` })
        .where(
          and(
            eq(subscriptions.studentId, studentId),
            inArray(subscriptions.status, ['trialing', 'active', 'past_due']),
            gt(subscriptions.questionsUsed, 0),
            or(isNull(subscriptions.currentPeriodStart), lte(subscriptions.currentPeriodStart, askedAt)),
          ),
        )
        .returning({ id: subscriptions.id });
      return rows[0]?.id ?? null;
    },
    async lockPayment(tx: Tx, paymentId: string) {
      const [row] = await tx.select({ id: payments.id, status: payments.status, currency: payments.currency }).from(payments).where(eq(payments.id, paymentId)).for('update');
      return row;
    },
    /** The student's newest subscription payment (not refunded in full) made at or before an instant: the one paying for the period then. */
    async subscriptionPaymentAt(tx: Db | Tx, studentId: string, at: Date) {
      const [row] = await tx
        .select({ id: payments.id, currency: payments.currency })
        .from(payments)
        // A payment refunded in full no longer pays for anything (its subscription was moved to refunded).
        .where(and(eq(payments.studentId, studentId), isNotNull(payments.subscriptionId), lte(payments.paidAt, at), ne(payments.status, 'refunded')))
        .orderBy(desc(payments.paidAt))
        .limit(1)
        // Locked like a refund locks it: a refund settling now either sees this question's earning or comes after it.
        .for('update');
      return row;
    },
  };
}
export type EntitlementsRepo = ReturnType<typeof createEntitlementsRepo>;
