import { AppError, badRequest, conflict, notFound, type RefusalTable } from '../../platform/errors';
import type { Provider } from './billing.ports';
import type { RefundFailure } from './payments/checkout.service';

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
