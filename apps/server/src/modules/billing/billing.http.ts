import { AppError, badRequest, conflict, notFound, type RefusalTable } from '../../platform/errors';
import type { Provider } from './billing.ports';
import type { RefundFailure } from './payments/checkout.service';
import type { PayoutAccountFailure } from './payouts/payout-accounts.service';

/** Billing's refusals as HTTP errors and words, in one place (decision 039): the service answers with reasons. */

/** A provider this server has no adapter for: 400 on `provider`. */
export const providerNotSetUp = (provider: Provider) => badRequest(`Payments through ${provider} are not set up on this server.`, [{ path: 'provider', message: 'not available' }]);

/** The provider refused to answer or timed out: 503, try again. */
export const providerDown = () => new AppError(503, 'service_unavailable', 'The payment provider is not answering. Please try again in a minute.');

export const refundErrors = {
  not_found: () => notFound('That payment'),
  key_reused: () => conflict('That idempotency key was already used for another refund.'),
  fully_refunded: () => conflict('This payment has already been refunded in full.'),
  too_much: ({ detail }) => badRequest(`At most ${detail.remaining} can still be refunded.`, [{ path: 'amountMinor', message: `must be at most ${detail.remaining}` }]),
  provider_not_configured: ({ detail }) => providerNotSetUp(detail.provider),
  provider_unavailable: () => providerDown(),
} satisfies RefusalTable<RefundFailure>;

export const payoutAccountErrors = {
  not_configured: () => conflict('Payouts are not set up on this server yet, so there is nowhere to add an account. Your earnings stay in your balance until they are.', 'not_configured'),
  not_approved: () => new AppError(403, 'forbidden', 'Only an approved tutor can add where their money goes. Your application is still being reviewed.'),
  other_provider: ({ detail }) =>
    conflict(detail.provider === 'stripe-connect' ? 'Payouts on this server go through Stripe: use "Set up payouts" instead.' : 'Payouts on this server go to a bank account or UPI ID, not through Stripe.'),
  provider_refused: ({ detail }) => badRequest(`The payout provider refused these details: ${detail.message}`, [{ path: 'account', message: detail.message }]),
  provider_unavailable: () => new AppError(503, 'service_unavailable', 'The payout provider is not answering. Nothing was saved; please try again in a minute.'),
} satisfies RefusalTable<PayoutAccountFailure>;
