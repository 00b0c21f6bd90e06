import { errorBodySchema } from '@tutorline/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { WhatsAppConfig } from '../../config';
import { parseCloudWebhook, parseGupshupWebhook, verifyCloudChallenge, verifyCloudSignature, verifyGupshupCaller, type WebhookBatch, WebhookPayloadError } from '../../integrations/whatsapp';
import { AppError, badRequest } from '../../platform/errors';
import { acceptRawJson, parseJsonBytes } from '../../platform/json';
import { LINK_ATTEMPT_LIMITS, LINK_ATTEMPT_WINDOW_MS } from './whatsapp.linking';
import { caller } from '../identity';
import type { WhatsApp } from './whatsapp.service';

/** Meta: "Webhook payloads can be up to 3 MB." */
const WEBHOOK_BODY_LIMIT = 3 * 1024 * 1024;
const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 429: errorBodySchema, 503: errorBodySchema };

/** The providers' webhooks (raw bodies: signatures are over the exact bytes) and the account-linking API. */
export async function whatsappRoutes(fastify: FastifyInstance, opts: { whatsapp: WhatsApp; config: WhatsAppConfig }) {
  const { whatsapp, config } = opts;

  await fastify.register(async (hooks) => {
    // In this scope JSON arrives as bytes (nested at most 64 deep, else 400): the signature is checked on them before
    // anything is parsed, and they are stored as they came.
    acceptRawJson(hooks, WEBHOOK_BODY_LIMIT);
    const batchOf = (raw: Buffer, parse: (body: unknown) => WebhookBatch): WebhookBatch => {
      const body = parseJsonBytes(raw);
      try {
        return parse(body);
      } catch (err) {
        if (err instanceof WebhookPayloadError) throw badRequest(`Not a webhook payload this endpoint understands: ${err.message}`);
        throw err;
      }
    };

    const cloud = config.cloud;
    if (cloud) {
      hooks.get('/webhooks/whatsapp', {
        config: { access: 'public' },
        schema: { hide: true },
        handler: async (request, reply) => {
          const challenge = verifyCloudChallenge(request.query as Record<string, unknown>, cloud.verifyToken);
          if (challenge === null) {
            request.log.warn({ event: 'whatsapp_verify_refused' }, 'webhook verification refused');
            return reply.status(403).type('text/plain').send('verification failed');
          }
          return reply.type('text/plain').send(challenge);
        },
      });
      hooks.post('/webhooks/whatsapp', {
        config: { access: 'public', allowCrossOrigin: true },
        bodyLimit: WEBHOOK_BODY_LIMIT,
        schema: { hide: true },
        handler: async (request, reply) => {
          const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
          if (!verifyCloudSignature(raw, request.headers['x-hub-signature-256'] as string | undefined, cloud.appSecret)) {
            request.log.warn({ event: 'whatsapp_signature_refused', bytes: raw.length }, 'webhook signature missing or wrong');
            throw new AppError(401, 'unauthenticated', 'The X-Hub-Signature-256 signature is missing or does not match the body.');
          }
          const result = await whatsapp.receive({ provider: 'cloud', raw, batch: batchOf(raw, parseCloudWebhook) });
          return reply.send({ received: result.accepted, repeats: result.repeats, skipped: result.skipped });
        },
      });
    }

    const gupshup = config.gupshup;
    if (gupshup) {
      hooks.post('/webhooks/gupshup/:token', {
        // The token is Gupshup's only credential: never in the request log.
        config: { access: 'public', allowCrossOrigin: true, secretParams: ['token'] },
        bodyLimit: WEBHOOK_BODY_LIMIT,
        schema: { hide: true },
        handler: async (request, reply) => {
          const { token } = request.params as { token: string };
          if (!verifyGupshupCaller({ token, ip: request.ip }, { secretToken: gupshup.callbackToken })) {
            request.log.warn({ event: 'gupshup_caller_refused' }, 'gupshup callback token wrong');
            throw new AppError(401, 'unauthenticated', 'Unknown callback.');
          }
          const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
          const result = await whatsapp.receive({ provider: 'gupshup', raw, batch: batchOf(raw, parseGupshupWebhook) });
          return reply.send({ received: result.accepted, repeats: result.repeats, skipped: result.skipped });
        },
      });
    }
  });

  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const linkState = z.object({ linked: z.boolean(), number: z.string().nullable() });
  const masked = (waId: string | null) => (waId ? `+${waId.slice(0, 2)}••••••${waId.slice(-4)}` : null);

  app.get('/api/whatsapp/me', {
    config: { access: 'user' },
    schema: { tags: ['whatsapp'], summary: 'The WhatsApp number linked to your account, partly hidden', response: { 200: linkState, ...errors } },
    handler: async (request) => {
      const waId = await whatsapp.linkedNumber(caller(request).id);
      return { linked: Boolean(waId), number: masked(waId) };
    },
  });
  app.post('/api/whatsapp/link-code', {
    config: { access: ['student', 'tutor'] },
    schema: {
      tags: ['whatsapp'],
      summary: 'A one-time code to send from your WhatsApp as "link <code>" (10 minutes; replaces any earlier one)',
      response: { 201: z.object({ code: z.string(), expiresAt: z.string() }), ...errors },
    },
    handler: async (request, reply) => reply.status(201).send(await whatsapp.createWebLinkCode(caller(request).id)),
  });
  app.post('/api/whatsapp/link', {
    config: { access: ['student', 'tutor'] },
    schema: {
      tags: ['whatsapp'],
      summary: `Link the WhatsApp number that sent "link" and got this code (at most ${LINK_ATTEMPT_LIMITS.user} tries per account and ${LINK_ATTEMPT_LIMITS.ip} per IP every ${LINK_ATTEMPT_WINDOW_MS / 60_000} minutes; then 429)`,
      body: z.strictObject({ code: z.string().regex(/^\d{6}$/, 'must be the 6-digit code') }),
      response: { 200: linkState, ...errors },
    },
    handler: async (request, reply) => {
      const r = await whatsapp.linkWithCodeFromWeb(caller(request).id, request.body.code, request.ip);
      if (r.ok) return { linked: true, number: masked(r.value.waId) };
      if (r.reason === 'rate_limited') {
        reply.header('retry-after', String(r.retryAfterSeconds));
        throw new AppError(429, 'rate_limited', `Too many tries with link codes. Please wait ${Math.ceil(r.retryAfterSeconds / 60)} minutes, then send “link” on WhatsApp to get a new code.`, { retryAfterSeconds: r.retryAfterSeconds });
      }
      throw badRequest('That code did not work or has expired. Send “link” on WhatsApp to get a new one.', [{ path: 'body.code', message: 'unknown or expired code' }]);
    },
  });
  app.get('/api/admin/whatsapp/failed', {
    config: { access: ['support', 'ops'] },
    schema: {
      tags: ['whatsapp'],
      summary: 'Outbound WhatsApp messages the provider refused (not retried)',
      response: {
        200: z.object({
          messages: z.array(z.object({ id: z.string(), waId: z.string(), kind: z.string(), attempts: z.number(), error: z.record(z.string(), z.unknown()).nullable(), updatedAt: z.string() })),
        }),
        ...errors,
      },
    },
    handler: async () => ({
      messages: (await whatsapp.failedMessages()).map((m) => ({ id: m.id, waId: m.waId, kind: m.kind, attempts: m.attempts, error: m.error ?? null, updatedAt: m.updatedAt.toISOString() })),
    }),
  });
}
