import type { FastifyInstance } from 'fastify';
import { AppError } from '../../../platform/errors';
import { acceptRawJson } from '../../../platform/json';
import { type WebhookVerifier, WebhookRejected } from './providers';
import type { WebhooksService } from './webhooks.service';

/** Stripe's and Razorpay's events are small; a megabyte leaves room. */
const WEBHOOK_BODY_LIMIT = 1024 * 1024;

/**
 * POST /webhooks/stripe and /webhooks/razorpay. JSON arrives as bytes in this scope (nested at most 64 deep, else 400):
 * the signature is checked on the exact body before anything is parsed. A refused delivery is a 400 and stores nothing; a valid one is stored once
 * (a repeat only counts its delivery) and answered 200 at once; a job processes it.
 */
export async function billingWebhookRoutes(fastify: FastifyInstance, opts: { webhooks: WebhooksService; stripe: WebhookVerifier | null; razorpay: WebhookVerifier | null }) {
  await fastify.register(async (hooks) => {
    acceptRawJson(hooks, WEBHOOK_BODY_LIMIT);

    const route = (path: string, verifier: WebhookVerifier) =>
      hooks.post(path, {
        config: { access: 'public', allowCrossOrigin: true },
        bodyLimit: WEBHOOK_BODY_LIMIT,
        schema: { hide: true },
        handler: async (request, reply) => {
          const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
          try {
            const result = await opts.webhooks.receive(verifier, raw, request.headers);
            return reply.send({ received: true, duplicate: result.duplicate });
          } catch (err) {
            if (!(err instanceof WebhookRejected)) throw err;
            request.log.warn({ event: 'payment_webhook_refused', provider: verifier.provider, reason: err.message, bytes: raw.length }, 'payment webhook refused');
            throw new AppError(400, 'validation_failed', err.message);
          }
        },
      });
    if (opts.stripe) route('/webhooks/stripe', opts.stripe);
    if (opts.razorpay) route('/webhooks/razorpay', opts.razorpay);
  });
}
