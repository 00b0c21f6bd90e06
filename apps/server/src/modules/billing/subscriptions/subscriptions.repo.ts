import { and, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../../platform/db';
import type { Provider } from '../billing.ports';
import { billingPlans, billingPrices, subscriptionTransitions, subscriptions } from '../billing.schema';
import type { SubscriptionState } from './subscriptions.rules';

export type SubscriptionRow = typeof subscriptions.$inferSelect;
type Q = Db | Tx;

/** Subscriptions, their transitions, and the plans and prices a checkout charges. */
export function createSubscriptionsRepo(db: Db) {
  return {
    db,
    async lockSubscriptionByRef(tx: Tx, provider: Provider, ref: string) {
      const [r] = await tx.select().from(subscriptions).where(and(eq(subscriptions.provider, provider), eq(subscriptions.providerSubscriptionId, ref))).for('update');
      return r ?? null;
    },
    async lockSubscription(tx: Tx, id: string) {
      const [r] = await tx.select().from(subscriptions).where(eq(subscriptions.id, id)).for('update');
      return r ?? null;
    },
    /** The student's latest subscription to a plan: a returning student's comes back. */
    async lockLatestSubscriptionOf(tx: Tx, studentId: string, planId: string) {
      const [r] = await tx
        .select()
        .from(subscriptions)
        .where(and(eq(subscriptions.studentId, studentId), eq(subscriptions.planId, planId)))
        .orderBy(desc(subscriptions.createdAt))
        .limit(1)
        .for('update');
      return r ?? null;
    },
    async insertSubscription(tx: Tx, row: typeof subscriptions.$inferInsert) {
      const r = await tx.insert(subscriptions).values(row).onConflictDoNothing({ target: [subscriptions.provider, subscriptions.providerSubscriptionId] }).returning({ id: subscriptions.id });
      return r.length > 0;
    },
    async updateSubscription(tx: Tx, id: string, set: Partial<typeof subscriptions.$inferInsert>) {
      const [r] = await tx.update(subscriptions).set(set).where(eq(subscriptions.id, id)).returning();
      return r!;
    },
    async insertTransition(tx: Tx, row: typeof subscriptionTransitions.$inferInsert) {
      await tx.insert(subscriptionTransitions).values(row);
    },
    async transitionsOf(subscriptionId: string) {
      return db.select().from(subscriptionTransitions).where(eq(subscriptionTransitions.subscriptionId, subscriptionId)).orderBy(subscriptionTransitions.id);
    },
    async findSubscription(id: string) {
      const [r] = await db.select().from(subscriptions).where(eq(subscriptions.id, id));
      return r ?? null;
    },
    async recentSubscriptions(provider: Provider, since: Date, limit = 500) {
      return db
        .select()
        .from(subscriptions)
        .where(and(eq(subscriptions.provider, provider), gte(subscriptions.updatedAt, since), sql`${subscriptions.providerSubscriptionId} is not null`))
        .limit(limit);
    },
    /** past_due subscriptions whose grace period (the plan's grace days from past_due_since) is over. */
    async graceExpired(now: Date, limit = 500) {
      return db
        .select({ id: subscriptions.id })
        .from(subscriptions)
        .innerJoin(billingPlans, eq(billingPlans.id, subscriptions.planId))
        .where(and(eq(subscriptions.status, 'past_due'), sql`${subscriptions.pastDueSince} + make_interval(days => ${billingPlans.graceDays}) <= ${now}`))
        .limit(limit);
    },
    async liveSubscriptionOf(studentId: string, planId: string) {
      const [r] = await db
        .select()
        .from(subscriptions)
        .where(and(eq(subscriptions.studentId, studentId), eq(subscriptions.planId, planId), inArray(subscriptions.status, ['trialing', 'active', 'past_due'] as SubscriptionState[])))
        .limit(1);
      return r ?? null;
    },

    // what checkouts price
    async planWithPrice(planId: string, currency: string) {
      const [r] = await db
        .select({ plan: billingPlans, price: billingPrices })
        .from(billingPlans)
        .innerJoin(billingPrices, and(eq(billingPrices.planId, billingPlans.id), eq(billingPrices.currency, currency), eq(billingPrices.active, true)))
        .where(and(eq(billingPlans.id, planId), eq(billingPlans.active, true)));
      return r ?? null;
    },
    async plan(q: Q, planId: string) {
      const [r] = await q.select().from(billingPlans).where(eq(billingPlans.id, planId));
      return r ?? null;
    },
  };
}
export type SubscriptionsRepo = ReturnType<typeof createSubscriptionsRepo>;
