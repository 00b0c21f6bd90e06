import type { FastifyInstance } from 'fastify';
import { earningsRoutes } from './earnings/earnings.routes';
import type { TutorStatements } from './earnings/statement.service';
import { entitlementsRoutes } from './entitlements/entitlements.routes';
import type { EntitlementsService } from './entitlements/entitlements.service';
import { revenueRoutes } from './ledger/revenue.routes';
import type { RevenueReportService } from './ledger/revenue.service';
import { plansRoutes } from './subscriptions/plans.routes';
import type { PlansService } from './subscriptions/plans.service';

/** The money side's HTTP API: a student's entitlements, plans, tutors' balances and statements, admins' revenue. */
export async function billingMoneyRoutes(fastify: FastifyInstance, opts: { entitlements: EntitlementsService; reports: TutorStatements & RevenueReportService; plans: PlansService }) {
  await fastify.register(entitlementsRoutes, { entitlements: opts.entitlements });
  await fastify.register(plansRoutes, { plans: opts.plans });
  await fastify.register(earningsRoutes, { statements: opts.reports });
  await fastify.register(revenueRoutes, { revenue: opts.reports });
}
