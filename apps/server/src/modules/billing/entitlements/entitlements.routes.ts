import { billingMeSchema, errorBodySchema } from '@tutorline/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { caller } from '../../identity';
import type { EntitlementsService } from './entitlements.service';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };

/** A student's entitlements: what they may ask now and what to do next. */
export async function entitlementsRoutes(fastify: FastifyInstance, opts: { entitlements: EntitlementsService }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get('/api/billing/me', {
    config: { access: ['student'] },
    schema: { tags: ['billing'], summary: 'My plan, its status, questions left, credits and what to do next', response: { 200: billingMeSchema, ...errors } },
    handler: async (request) => {
      const me = caller(request);
      return opts.entitlements.me(me.id, me.user.timeZone);
    },
  });
}
