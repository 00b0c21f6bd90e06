import { connectOnboardingSchema, errorBodySchema, myPayoutAccountSchema, payoutAccountSchema, razorpayxAccountInputSchema, tutorPayoutListSchema, tutorPayoutRowSchema } from '@tutorline/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound, valueOr } from '../../../platform/errors';
import { caller, staffActor } from '../../identity';
import { payoutAccountErrors } from '../billing.http';
import type { PayoutAccountsService } from './payout-accounts.service';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 503: errorBodySchema };

/** Where tutors are paid (issue #18): a tutor writes only their own; finance and admin read; support gets nothing. */
export async function payoutAccountRoutes(fastify: FastifyInstance, opts: { accounts: PayoutAccountsService }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { accounts } = opts;

  app.get('/api/billing/tutor/payout-account', {
    config: { access: ['tutor'] },
    schema: { tags: ['billing'], summary: 'Where my payouts go (masked) and its status; null: add where your money goes; 409 not_configured: payouts are off', response: { 200: myPayoutAccountSchema, ...errors } },
    handler: async (request) => valueOr(await accounts.mine(caller(request).id), payoutAccountErrors),
  });

  app.put('/api/billing/tutor/payout-account', {
    config: { access: ['tutor'] },
    schema: { tags: ['billing'], summary: 'Add or change my bank account or UPI ID (RazorpayX: a contact and a fund account)', body: razorpayxAccountInputSchema, response: { 200: payoutAccountSchema, ...errors } },
    handler: async (request) => valueOr(await accounts.setRazorpayX(caller(request).id, request.body), payoutAccountErrors),
  });

  app.post('/api/billing/tutor/payout-account/stripe-onboarding', {
    config: { access: ['tutor'] },
    schema: { tags: ['billing'], summary: 'Set up payouts with Stripe: my Express account and a link to its onboarding', response: { 200: connectOnboardingSchema, ...errors } },
    handler: async (request) => valueOr(await accounts.startConnectOnboarding(caller(request).id), payoutAccountErrors),
  });

  app.get('/api/admin/billing/payout-accounts', {
    config: { access: ['finance'] },
    schema: { tags: ['billing'], summary: "Each tutor's payout account status and last payouts, and which provider pays them (none: payouts are off)", response: { 200: tutorPayoutListSchema, ...errors } },
    handler: async () => ({ provider: accounts.provider, tutors: await accounts.list() }),
  });

  app.get('/api/admin/billing/payout-accounts/:tutorId', {
    config: { access: ['finance'] },
    schema: { tags: ['billing'], summary: "One tutor's payout account and payouts (the read is audited)", params: z.object({ tutorId: z.uuid() }), response: { 200: tutorPayoutRowSchema, ...errors } },
    handler: async (request) => {
      const detail = await accounts.detailForStaff(request.params.tutorId, staffActor(request));
      if (!detail) throw notFound('That tutor');
      return detail;
    },
  });
}
