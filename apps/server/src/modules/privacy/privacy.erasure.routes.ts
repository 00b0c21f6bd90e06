import { erasureBodySchema, erasureStateSchema } from '@tutorline/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { valueOr } from '../../platform/errors';
import { caller } from '../identity';
import type { ErasureService } from './privacy.erasure';
import { cancelErasureErrors, erasureErrors, stateErrors } from './privacy.http';

const stateQuery = z.strictObject({ userId: z.uuid('must be an id').optional() });

/** Erasure (#20, decision 077): the state, the request and the cancel, from settings. */
export async function erasureRoutes(fastify: FastifyInstance, opts: { erasure: ErasureService }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { erasure } = opts;

  app.get('/api/privacy/erasure', {
    config: { access: 'user' },
    schema: { tags: ['privacy'], summary: "Whether my account (or my child's, with ?userId) is due to be deleted, and when", querystring: stateQuery, response: { 200: erasureStateSchema } },
    handler: async (request) => {
      const me = caller(request);
      return valueOr(await erasure.state(me, request.query.userId ?? me.id), stateErrors);
    },
  });

  app.post('/api/privacy/erasure', {
    config: { access: 'user' },
    schema: { tags: ['privacy'], summary: "Ask to delete my account (or my child's): it happens after 14 days, cancellable until then", body: erasureBodySchema, response: { 202: erasureStateSchema } },
    handler: async (request, reply) => {
      const me = caller(request);
      return reply.code(202).send(valueOr(await erasure.request(me, request.body.userId ?? me.id), erasureErrors));
    },
  });

  app.post('/api/privacy/erasure/cancel', {
    config: { access: 'user' },
    schema: { tags: ['privacy'], summary: "Cancel the pending deletion of my account (or my child's) during the grace period", body: erasureBodySchema, response: { 200: erasureStateSchema } },
    handler: async (request) => {
      const me = caller(request);
      return valueOr(await erasure.cancel(me, request.body.userId ?? me.id), cancelErasureErrors);
    },
  });
}
