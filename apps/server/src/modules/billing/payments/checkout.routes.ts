import { adminPaymentsPageSchema, adminPaymentsQuerySchema, checkoutBodySchema, checkoutSchema, errorBodySchema, refundBodySchema, refundSchema } from '@tutorline/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { valueOr } from '../../../platform/errors';
import { caller, staffActor } from '../../identity';
import { refundErrors } from '../billing.http';
import type { CheckoutService } from './checkout.service';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 503: errorBodySchema };
const idParams = z.strictObject({ id: z.uuid('must be an id') });

export async function billingCheckoutRoutes(fastify: FastifyInstance, opts: { checkout: CheckoutService }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { checkout } = opts;

  app.post('/api/billing/checkout', {
    config: { access: ['student'] },
    schema: {
      tags: ['billing'],
      summary: 'Start paying for a plan (in a currency) or a held booking; returns the URL to pay at. A retry with the same idempotencyKey returns the same checkout (200).',
      body: checkoutBodySchema,
      response: { 200: checkoutSchema, 201: checkoutSchema, ...errors },
    },
    handler: async (request, reply) => {
      const { checkout: view, created } = await checkout.create(caller(request), request.body);
      return reply.status(created ? 201 : 200).send(view);
    },
  });

  app.get('/api/billing/checkouts/:id', {
    config: { access: ['student', 'finance'] },
    schema: { tags: ['billing'], summary: "A checkout's status (after returning from the payment page)", params: idParams, response: { 200: checkoutSchema, ...errors } },
    handler: async (request) => checkout.get(caller(request), request.params.id),
  });

  app.get('/api/admin/billing/payments', {
    config: { access: ['finance'] },
    schema: {
      tags: ['billing'],
      summary: 'Recent payments, newest first, with what was refunded and what can still be; ?studentEmail= (part of it), ?cursor= (nextCursor of the previous page)',
      querystring: adminPaymentsQuerySchema,
      response: { 200: adminPaymentsPageSchema, ...errors },
    },
    handler: async (request) => checkout.payments(request.query),
  });

  app.post('/api/admin/payments/:id/refund', {
    config: { access: ['finance'] },
    schema: {
      tags: ['billing'],
      summary: 'Refund a payment (all of what is left, or amountMinor); the provider is asked with our idempotency key; settled by its webhook',
      params: idParams,
      body: refundBodySchema,
      response: { 200: refundSchema, 201: refundSchema, ...errors },
    },
    handler: async (request, reply) => {
      const { refund, created } = valueOr(await checkout.refund(staffActor(request), request.params.id, request.body), refundErrors);
      return reply.status(created ? 201 : 200).send(refund);
    },
  });
}
