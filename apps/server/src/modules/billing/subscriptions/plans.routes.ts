import { billingPlanSchema, createPlanBodySchema, errorBodySchema, updatePlanBodySchema } from '@tutorline/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { caller } from '../../identity';
import type { PlansService } from './plans.service';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };

/** Plans on sale (students) and their administration (admins). */
export async function plansRoutes(fastify: FastifyInstance, opts: { plans: PlansService }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { plans } = opts;

  app.get('/api/billing/plans', {
    config: { access: ['student', 'finance'] },
    schema: { tags: ['billing'], summary: 'Plans on sale (subscriptions and credit packs) with their active prices', response: { 200: z.array(billingPlanSchema), ...errors } },
    handler: async () => plans.listActive(),
  });

  app.get('/api/admin/billing/plans', {
    config: { access: ['finance'] },
    schema: { tags: ['billing'], summary: 'Plans and their prices', response: { 200: z.array(billingPlanSchema), ...errors } },
    handler: async () => plans.list(),
  });

  app.post('/api/admin/billing/plans', {
    config: { access: ['finance'] },
    schema: { tags: ['billing'], summary: 'Create a plan (subscription or credit pack) with prices in INR and USD', body: createPlanBodySchema, response: { 201: billingPlanSchema, ...errors } },
    handler: async (request, reply) => reply.status(201).send(await plans.create(caller(request).id, request.body)),
  });

  app.put('/api/admin/billing/plans/:id', {
    config: { access: ['finance'] },
    schema: { tags: ['billing'], summary: "Change a plan and its prices (a currency left out is deactivated)", params: z.strictObject({ id: z.string().min(1).max(60) }), body: updatePlanBodySchema, response: { 200: billingPlanSchema, ...errors } },
    handler: async (request) => plans.update(caller(request).id, request.params.id, request.body),
  });
}
