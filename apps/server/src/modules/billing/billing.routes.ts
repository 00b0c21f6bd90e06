import {
  billingMeSchema,
  billingPlanSchema,
  createPlanBodySchema,
  dateRangeQuerySchema,
  errorBodySchema,
  tutorBalanceSchema,
  updatePlanBodySchema,
} from '@tutorline/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { caller } from '../identity';
import type { Reports } from './ledger/reports.service';
import type { PlansService } from './subscriptions/plans.service';
import type { EntitlementsService } from './entitlements/entitlements.service';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };
const csvType = 'text/csv; charset=utf-8';

/** The money side's HTTP API: a student's entitlements, tutors' balances and statements, admins' revenue and plans. */
export async function billingMoneyRoutes(fastify: FastifyInstance, opts: { entitlements: EntitlementsService; reports: Reports; plans: PlansService }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { entitlements, reports, plans } = opts;

  app.get('/api/billing/me', {
    config: { access: ['student'] },
    schema: { tags: ['billing'], summary: 'My plan, its status, questions left, credits and what to do next', response: { 200: billingMeSchema, ...errors } },
    handler: async (request) => {
      const me = caller(request);
      return entitlements.me(me.id, me.user.timeZone);
    },
  });

  app.get('/api/billing/plans', {
    config: { access: ['student', 'admin'] },
    schema: { tags: ['billing'], summary: 'Plans on sale (subscriptions and credit packs) with their active prices', response: { 200: z.array(billingPlanSchema), ...errors } },
    handler: async () => plans.listActive(),
  });

  app.get('/api/billing/tutor/balance', {
    config: { access: ['tutor'] },
    schema: { tags: ['billing'], summary: 'My balance per currency: owed (and on hold), in transit, paid', response: { 200: tutorBalanceSchema, ...errors } },
    handler: async (request) => reports.tutorBalance(caller(request).id),
  });

  app.get('/api/billing/tutor/statement', {
    config: { access: ['tutor'] },
    schema: { tags: ['billing'], summary: 'My earnings, reversals and payouts between two dates (my time zone), with the running balance; ?format=csv', querystring: dateRangeQuerySchema },
    handler: async (request, reply) => {
      const me = caller(request);
      const statement = await reports.statement(me.id, me.user.timeZone, request.query);
      if (request.query.format === 'csv') {
        return reply.type(csvType).header('content-disposition', `attachment; filename="statement-${statement.from}-${statement.to}.csv"`).send(reports.statementCsv(statement));
      }
      return statement;
    },
  });

  app.get('/api/admin/billing/revenue', {
    config: { access: ['admin'] },
    schema: { tags: ['billing'], summary: 'Revenue by month (UTC) and currency: received, refunded, revenue, commission, tutor earnings; ?format=csv', querystring: dateRangeQuerySchema },
    handler: async (request, reply) => {
      const report = await reports.revenue(request.query);
      if (request.query.format === 'csv') {
        return reply.type(csvType).header('content-disposition', `attachment; filename="revenue-${report.from}-${report.to}.csv"`).send(reports.revenueCsv(report));
      }
      return report;
    },
  });

  app.get('/api/admin/billing/plans', {
    config: { access: ['admin'] },
    schema: { tags: ['billing'], summary: 'Plans and their prices', response: { 200: z.array(billingPlanSchema), ...errors } },
    handler: async () => plans.list(),
  });

  app.post('/api/admin/billing/plans', {
    config: { access: ['admin'] },
    schema: { tags: ['billing'], summary: 'Create a plan (subscription or credit pack) with prices in INR and USD', body: createPlanBodySchema, response: { 201: billingPlanSchema, ...errors } },
    handler: async (request, reply) => reply.status(201).send(await plans.create(caller(request).id, request.body)),
  });

  app.put('/api/admin/billing/plans/:id', {
    config: { access: ['admin'] },
    schema: { tags: ['billing'], summary: "Change a plan and its prices (a currency left out is deactivated)", params: z.strictObject({ id: z.string().min(1).max(60) }), body: updatePlanBodySchema, response: { 200: billingPlanSchema, ...errors } },
    handler: async (request) => plans.update(caller(request).id, request.params.id, request.body),
  });
}
