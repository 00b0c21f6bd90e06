import { supportSearchQuerySchema, supportSearchResultSchema, supportSessionPageSchema, supportTimelineSchema } from '@tutorline/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound, type RefusalTable, valueOr } from '../../platform/errors';
import { caller } from '../identity';
import type { LookupFailure, SupportLookup } from './support.lookup';

const params = z.strictObject({ id: z.uuid('must be an id') });
const personErrors = { not_found: () => notFound('That person') } satisfies RefusalTable<LookupFailure>;
const sessionErrors = { not_found: () => notFound('That session') } satisfies RefusalTable<LookupFailure>;

/** Support's search, a person's timeline and a session's page (#18). Money shows only to finance and admin. */
export async function supportLookupRoutes(fastify: FastifyInstance, opts: { lookup: SupportLookup }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { lookup } = opts;
  app.get('/api/admin/support/search', {
    config: { access: ['support', 'ops', 'finance'] },
    schema: { tags: ['admin'], summary: 'Find people by name, email or phone, or by a question or session id', querystring: supportSearchQuerySchema, response: { 200: supportSearchResultSchema } },
    handler: async (request) => lookup.search(request.query.q),
  });
  app.get('/api/admin/support/people/:id/timeline', {
    config: { access: ['support', 'ops', 'finance'] },
    schema: { tags: ['admin'], summary: "A person's timeline, newest first: sign-up, questions, calls, lessons, messages (payments for finance and admin; classes, notifications, /check reports and tickets for support, ops and admin)", params, response: { 200: supportTimelineSchema } },
    handler: async (request) => {
      const held = caller(request).user.staffRoles;
      const view = { money: held.includes('finance') || held.includes('admin'), support: held.some((r) => r === 'support' || r === 'ops' || r === 'admin') };
      return valueOr(await lookup.timeline(request.params.id, view), personErrors);
    },
  });
  app.get('/api/admin/support/sessions/:id', {
    config: { access: ['support', 'ops'] },
    schema: { tags: ['admin'], summary: "A session's page: both sides' call events, candidate types, quality, reconnects, chat count, and why it failed", params, response: { 200: supportSessionPageSchema } },
    handler: async (request) => valueOr(await lookup.session(request.params.id), sessionErrors),
  });
}
