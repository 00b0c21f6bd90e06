import { errorBodySchema, notificationChannelsBodySchema, notificationChannelsSchema, pushKeySchema, pushSubscriptionBodySchema, pushUnsubscribeBodySchema } from '@tutorline/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, badRequest, type RefusalTable, valueOr } from '../../platform/errors';
import { caller } from '../identity';
import type { Push, SubscribeRefusal } from './notifications.push';
import type { ChannelPrefsService } from './notifications.prefs';
import type { Fail } from '../../platform/result';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };

const subscribeErrors = {
  endpoint_not_allowed: () => badRequest('The push endpoint must be an https URL.', [{ path: 'body.endpoint', message: 'must be https' }]),
} satisfies RefusalTable<Fail<SubscribeRefusal>>;

const pushOff = () => new AppError(404, 'not_found', 'Push notifications are not enabled on this server.');

/** Web Push subscriptions and the per-channel choice (#21). `push` is null when WEB_PUSH=false. */
export async function notificationsPushRoutes(fastify: FastifyInstance, opts: { push: Push | null; publicKey: string | null; prefs: ChannelPrefsService }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { push, prefs } = opts;

  app.get('/api/notifications/push/key', {
    config: { access: 'user' },
    schema: { tags: ['notifications'], summary: "The server's VAPID public key, for pushManager.subscribe (null when push is off)", response: { 200: pushKeySchema, ...errors } },
    handler: async () => ({ publicKey: opts.publicKey }),
  });

  app.post('/api/notifications/push/subscriptions', {
    config: { access: 'user' },
    schema: { tags: ['notifications'], summary: "Store this browser's push subscription (PushSubscription.toJSON())", body: pushSubscriptionBodySchema, response: { 201: z.object({ id: z.string() }), ...errors } },
    handler: async (request, reply) => {
      if (!push) throw pushOff();
      const saved = valueOr(await push.subscribe(caller(request).id, request.body, request.headers['user-agent'] ?? null), subscribeErrors);
      return reply.status(201).send(saved);
    },
  });

  app.delete('/api/notifications/push/subscriptions', {
    config: { access: 'user' },
    schema: { tags: ['notifications'], summary: "Forget this browser's push subscription", body: pushUnsubscribeBodySchema, response: { 204: z.null(), ...errors } },
    handler: async (request, reply) => {
      if (push) await push.unsubscribe(caller(request).id, request.body.endpoint);
      return reply.status(204).send(null);
    },
  });

  app.get('/api/notifications/channels', {
    config: { access: 'user' },
    schema: { tags: ['notifications'], summary: 'Which channels you want to be told things on: push, WhatsApp, in the app', response: { 200: notificationChannelsSchema, ...errors } },
    handler: async (request) => prefs.of(caller(request).id),
  });

  app.put('/api/notifications/channels', {
    config: { access: 'user' },
    schema: { tags: ['notifications'], summary: 'Turn channels on or off (the others stay as they are)', body: notificationChannelsBodySchema, response: { 200: notificationChannelsSchema, ...errors } },
    handler: async (request) => {
      const change = Object.fromEntries(Object.entries(request.body).filter(([, v]) => v !== undefined)) as Partial<z.infer<typeof notificationChannelsSchema>>;
      return prefs.choose(caller(request).id, change);
    },
  });
}
