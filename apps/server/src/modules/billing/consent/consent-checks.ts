import type { Clock } from '../../../platform/clock';
import type { JobRunner } from '../../../platform/jobs';
import type { Logger } from '../../../platform/logger';
import { definePort } from '../../../platform/ports';
import { type Fail, type Result } from '../../../platform/result';
import { type CheckoutService, endOrRetryRefusedRefund } from '../payments/checkout.service';
import { isUuid, type ProviderRepo } from '../payments/payments.repo';
import { CONSENT_CHECK_QUEUE } from '../payments/webhooks.service';

/**
 * A guardian's card check (issue #20, decision 086): guardians asks billing for a small checkout of purpose 'consent';
 * billing owns the checkout, the payment, the ledger and the refund, and tells guardians the outcome through this port
 * (guardians provides it when it registers, after billing). Every call is idempotent on the payment or the checkout.
 */
export interface ConsentCharged {
  consentRequestId: string;
  /** Who paid (the guardian). */
  payerId: string;
  checkoutId: string;
  /** payments.id: the evidence guardians keeps. */
  paymentId: string;
  amountMinor: number;
  currency: string;
  at: Date;
}
export type ConsentChargeRefusal = Fail<'request_not_found'> | Fail<'already_consented'> | Fail<'not_linked'>;

export interface ConsentChecks {
  /** A card check was paid: guardians records the consent once per request (a second payment records nothing). */
  charged(c: ConsentCharged): Promise<Result<{ consentId: string }, ConsentChargeRefusal>>;
  /** The card check's payment was refunded (or the refund was asked for and is still pending at the provider). */
  refunded(r: { consentRequestId: string; paymentId: string; refundId: string; amountMinor: number; currency: string; status: 'requested' | 'succeeded' | 'failed'; at: Date }): Promise<void>;
  /** The checkout failed or expired: nothing is recorded. */
  failed(f: { consentRequestId: string; checkoutId: string; at: Date }): Promise<void>;
}
export const CONSENT_CHECKS = definePort<ConsentChecks>('billing.consent_checks', 'tutorline-guardians');

/** What guardians may ask of billing: open a card check's checkout (billing picks the amount per currency). */
export interface ConsentCheckStarter {
  start: CheckoutService['createConsentCheck'];
  /** The configured amount in a currency (minor units), or null: no card check in that currency. */
  amountFor(currency: string): number | null;
}

/**
 * The durable job after a card check's payment (one per payment) or failure: the outcome goes to guardians, then the
 * payment is refunded in full whatever guardians answered (a second payment for the same request included).
 */
export function installConsentChecks(o: { checkout: CheckoutService; repo: ProviderRepo; guardians: ConsentChecks; jobs: JobRunner; clock: Clock; logger: Logger }) {
  const { checkout, repo, guardians, clock, logger } = o;

  async function paid(checkoutId: string, paymentId: string) {
    const c = await repo.findCheckout(repo.db, checkoutId);
    const payment = await repo.findPayment(paymentId);
    if (!c?.consentRequestId || !payment || payment.checkoutId !== c.id) return;
    const about = { consentRequestId: c.consentRequestId, checkoutId: c.id, paymentId: payment.id };
    const told = await guardians.charged({ ...about, payerId: c.studentId, amountMinor: payment.amountMinor, currency: payment.currency, at: payment.paidAt });
    if (told.ok) logger.info({ event: 'consent_check_recorded', ...about, consentId: told.value.consentId }, 'card check paid: the guardian consent is recorded');
    else logger.info({ event: 'consent_check_not_recorded', ...about, reason: told.reason }, 'card check paid: no new consent recorded');
    const r = await checkout.refundAutomatically(payment.id, { reason: 'Guardian consent check: refunded in full at once.', idempotencyKey: `consent-check-refund:${payment.id}` });
    if (!r.ok) return endOrRetryRefusedRefund(logger, r, about);
    const { refund } = r.value;
    logger.info({ event: 'consent_check_refunded', ...about, refundId: refund.id, amountMinor: refund.amountMinor, currency: refund.currency, refundStatus: refund.status }, 'card check refunded');
    await guardians.refunded({ consentRequestId: c.consentRequestId, paymentId: payment.id, refundId: refund.id, amountMinor: refund.amountMinor, currency: refund.currency, status: refund.status, at: clock.now() });
  }

  o.jobs.register(CONSENT_CHECK_QUEUE, async ({ checkoutId, paymentId, outcome }) => {
    if (!isUuid(checkoutId) || (paymentId !== undefined && !isUuid(paymentId))) return;
    if (outcome === 'paid') {
      if (paymentId) await paid(checkoutId, paymentId);
      return;
    }
    const c = await repo.findCheckout(repo.db, checkoutId);
    if (!c?.consentRequestId || c.status === 'paid') return;
    await guardians.failed({ consentRequestId: c.consentRequestId, checkoutId: c.id, at: clock.now() });
    logger.info({ event: 'consent_check_failed', consentRequestId: c.consentRequestId, checkoutId: c.id, status: c.status }, 'card check not paid: no consent recorded');
  });

  return { start: (input) => checkout.createConsentCheck(input), amountFor: (currency) => checkout.consentCheckAmount(currency) } satisfies ConsentCheckStarter;
}
