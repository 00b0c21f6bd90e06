import { asc, eq, inArray } from 'drizzle-orm';
import type { BillingPlan } from '@tutorline/contracts';
import type { Db, Tx } from '../../../platform/db';
import { billingPlans, billingPrices } from '../billing.schema';

/** Admins' plans and prices (minor units, one price per currency; INR and USD both required by the contract). */
export function createPlansRepo(db: Db) {
  return {
    db,
    async list(tx: Db | Tx = db): Promise<BillingPlan[]> {
      const plans = await tx.select().from(billingPlans).orderBy(asc(billingPlans.kind), asc(billingPlans.questions));
      const prices = plans.length ? await tx.select().from(billingPrices).where(inArray(billingPrices.planId, plans.map((p) => p.id))).orderBy(asc(billingPrices.currency)) : [];
      return plans.map((p) => ({
        id: p.id,
        name: p.name,
        kind: p.kind,
        questions: p.questions,
        trialDays: p.trialDays,
        graceDays: p.graceDays,
        active: p.active,
        prices: prices.filter((x) => x.planId === p.id).map((x) => ({ currency: x.currency, amountMinor: x.amountMinor, active: x.active })),
      }));
    },
    async insertPlan(tx: Tx, values: typeof billingPlans.$inferInsert) {
      const [row] = await tx.insert(billingPlans).values(values).onConflictDoNothing({ target: billingPlans.id }).returning();
      return row;
    },
    async updatePlan(tx: Tx, id: string, patch: Partial<typeof billingPlans.$inferInsert>) {
      const [row] = await tx.update(billingPlans).set(patch).where(eq(billingPlans.id, id)).returning();
      return row;
    },
    /** Sets the plan's prices: listed currencies are inserted or updated, others are deactivated (kept for old payments). */
    async setPrices(tx: Tx, planId: string, prices: { currency: string; amountMinor: number; active: boolean }[]) {
      for (const p of prices) {
        await tx
          .insert(billingPrices)
          .values({ planId, currency: p.currency, amountMinor: p.amountMinor, active: p.active })
          .onConflictDoUpdate({ target: [billingPrices.planId, billingPrices.currency], set: { amountMinor: p.amountMinor, active: p.active } });
      }
      const listed = new Set(prices.map((p) => p.currency));
      const existing = await tx.select().from(billingPrices).where(eq(billingPrices.planId, planId));
      for (const e of existing) if (!listed.has(e.currency) && e.active) await tx.update(billingPrices).set({ active: false }).where(eq(billingPrices.id, e.id));
    },
  };
}
export type PlansRepo = ReturnType<typeof createPlansRepo>;
