import { errorBodySchema, markNoticesReadBodySchema, noticesSchema } from '@tutorline/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../../platform/clock';
import { caller } from '../identity';
import type { Inbox } from './notifications.inbox';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

export async function notificationsRoutes(fastify: FastifyInstance, opts: { inbox: Inbox; clock: Clock }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { inbox, clock } = opts;

  app.get('/api/notifications', {
    config: { access: 'user' },
    schema: { tags: ['notifications'], summary: 'Your in-app notices, newest first, with the number unread', response: { 200: noticesSchema, ...errors } },
    handler: async (request) => inbox.list(caller(request).id),
  });

  app.post('/api/notifications/read', {
    config: { access: 'user' },
    schema: { tags: ['notifications'], summary: 'Mark your notices up to and including id upTo as read', body: markNoticesReadBodySchema, response: { 200: z.object({ marked: z.number() }), ...errors } },
    handler: async (request) => ({ marked: await inbox.markRead(caller(request).id, request.body.upTo, clock.now()) }),
  });
}
