// eslint-disable-next-line no-restricted-imports -- TODO(#14): table ownership; being moved behind the owner's index.ts
import { asc, eq, inArray } from 'drizzle-orm';
import type { BillingPlan, CreatePlanBody, UpdatePlanBody } from '@tutorline/contracts';
import type { Clock } from '../../../platform/clock';
import { type Db, type Tx } from '../../../platform/db';
// eslint-disable-next-line no-restricted-imports -- TODO(#14): table ownership; being moved behind the owner's index.ts
import { billingPlans, billingPrices } from '../billing.schema';
import { conflict, notFound } from '../../../platform/errors';
import type { Logger } from '../../../platform/logger';

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

export function createPlansService(deps: { repo: PlansRepo; clock: Clock; logger: Logger }) {
  const { repo, logger } = deps;
  const one = async (id: string) => (await repo.list()).find((p) => p.id === id)!;
  return {
    list: () => repo.list(),
    /** What students can buy: active plans with their active prices (a plan with none is left out). */
    async listActive(): Promise<BillingPlan[]> {
      return (await repo.list())
        .filter((p) => p.active)
        .map((p) => ({ ...p, prices: p.prices.filter((x) => x.active) }))
        .filter((p) => p.prices.length > 0);
    },

    async create(adminId: string, body: CreatePlanBody): Promise<BillingPlan> {
      const now = deps.clock.now();
      const { prices, ...plan } = body;
      const created = await repo.db.transaction(async (tx) => {
        const row = await repo.insertPlan(tx, { ...plan, createdAt: now, updatedAt: now });
        if (!row) return null;
        await repo.setPrices(tx, row.id, prices);
        return row;
      });
      if (!created) throw conflict(`A plan with the id "${body.id}" already exists.`);
      logger.info({ event: 'billing_plan_created', planId: body.id, adminId, kind: body.kind }, 'billing plan created');
      return one(body.id);
    },

    async update(adminId: string, id: string, body: UpdatePlanBody): Promise<BillingPlan> {
      const now = deps.clock.now();
      const { prices, ...plan } = body;
      const updated = await repo.db.transaction(async (tx) => {
        const row = await repo.updatePlan(tx, id, { ...plan, updatedAt: now });
        if (!row) return null;
        await repo.setPrices(tx, id, prices);
        return row;
      });
      if (!updated) throw notFound('That plan');
      logger.info({ event: 'billing_plan_updated', planId: id, adminId }, 'billing plan updated');
      return one(id);
    },
  };
}
export type PlansService = ReturnType<typeof createPlansService>;

/** The plans `npm start` offers (demo seed): prices in INR and USD, minor units. */
export const demoPlans: CreatePlanBody[] = [
  { id: 'monthly-20', name: 'Monthly 20', kind: 'subscription', questions: 20, trialDays: 7, graceDays: 3, active: true, prices: [{ currency: 'INR', amountMinor: 49900, active: true }, { currency: 'USD', amountMinor: 999, active: true }] },
  { id: 'monthly-60', name: 'Monthly 60', kind: 'subscription', questions: 60, trialDays: 7, graceDays: 3, active: true, prices: [{ currency: 'INR', amountMinor: 129900, active: true }, { currency: 'USD', amountMinor: 2499, active: true }] },
  { id: 'pack-10', name: 'Pack of 10 questions', kind: 'credit_pack', questions: 10, trialDays: 0, graceDays: 0, active: true, prices: [{ currency: 'INR', amountMinor: 29900, active: true }, { currency: 'USD', amountMinor: 599, active: true }] },
];

/** Seeds the demo plans once (existing plans are left as admins changed them). */
export async function seedPlans(db: Db, at: Date): Promise<void> {
  const repo = createPlansRepo(db);
  await db.transaction(async (tx) => {
    for (const { prices, ...plan } of demoPlans) {
      const row = await repo.insertPlan(tx, { ...plan, createdAt: at, updatedAt: at });
      if (row) await repo.setPrices(tx, row.id, prices);
    }
  });
}
