import type { BillingPlan, CreatePlanBody, UpdatePlanBody } from '@tutorline/contracts';
import type { Clock } from '../../../platform/clock';
import type { Db } from '../../../platform/db';
import { conflict, notFound } from '../../../platform/errors';
import type { Logger } from '../../../platform/logger';
import { createPlansRepo, type PlansRepo } from './plans.repo';

/** Admins create and change plans; students see those on sale. */
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
