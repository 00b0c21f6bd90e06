import { z } from 'zod';
import type { PaymentsConfig } from '../../../config';
import type { Clock } from '../../../platform/clock';
import type { Db, Tx } from '../../../platform/db';
import { defineJob, type JobRunner } from '../../../platform/jobs';
import type { Logger } from '../../../platform/logger';
import { unreachable } from '../../../platform/result';
import type { ClassesApi, ClassMoney } from '../../classes';
import { bookingNeedsPayment } from '../bookings/bookings.rules';
import { createLedgerRepo } from '../ledger/ledger.repo';
import { createLedgerService } from '../ledger/ledger.service';
import { type CheckoutService, endOrRetryRefusedRefund } from '../payments/checkout.service';
import { createProviderRepo, isUuid, type ProviderRepo } from '../payments/payments.repo';
import { CLASS_SEAT_PAYMENT_QUEUE } from '../payments/webhooks.service';

/** A class seat's refund, queued in the transaction of what caused it (the learner left in time, a cancellation, a no-show). */
export const CLASS_REFUND_QUEUE = defineJob('billing.class_refund', z.object({ enrolmentId: z.string(), paymentId: z.string(), amountMinor: z.number(), reason: z.string() }));

/** One refund per paid seat, whatever retries or repeated outcomes happen (refunds.idempotency_key). */
const classRefundKey = (enrolmentId: string) => `class-refund:${enrolmentId}`;

/** The payment of a seat: the first paid checkout's (a second one for the same seat was refunded when it came). */
async function paymentOfSeat(repo: ProviderRepo, q: Db | Tx, enrolmentId: string) {
  const [owner] = await repo.paidCheckoutsOfClassSeat(q, enrolmentId);
  if (!owner) return null;
  const [payment] = await repo.paymentsOfCheckout(owner.id, q);
  return payment ?? null;
}

/**
 * Classes' money port (declared by classes, decision 042; issue #15). A seat needs a payment first exactly when a
 * booked lesson would (a provider is on and there is a price). A seat's refund is a durable job queued in the caller's
 * transaction; a completed class posts each paid seat's earning there too (a prepayment moved to the tutor, less the
 * commission recorded with the payment), as a booked lesson's is.
 */
export function classMoney(o: { config: Pick<PaymentsConfig, 'provider'>; db: Db; clock: Clock; logger: Logger }): ClassMoney {
  const repo = createProviderRepo(o.db);
  // The commission is the one recorded with the payment (LedgerPort.paymentReceived), so none is configured here.
  const ledger = createLedgerService({ repo: createLedgerRepo(o.db), clock: o.clock, logger: o.logger, commissionBps: 0 });
  return {
    requiresPayment: (c) => bookingNeedsPayment(o.config.provider, c.priceMinor),
    async refundSeat(tx, e) {
      const payment = await paymentOfSeat(repo, tx, e.enrolmentId);
      if (!payment) return;
      await CLASS_REFUND_QUEUE.enqueue(tx, { enrolmentId: e.enrolmentId, paymentId: payment.id, amountMinor: e.amountMinor, reason: e.reason }, { dedupeKey: `${CLASS_REFUND_QUEUE.queue}:${e.enrolmentId}`, now: o.clock.now(), runAt: e.at });
      o.logger.info({ event: 'class_refund_queued', classId: e.classId, enrolmentId: e.enrolmentId, paymentId: payment.id, amountMinor: e.amountMinor, currency: e.currency }, 'class seat: refund queued');
    },
    async classEarned(tx, c) {
      for (const enrolmentId of c.enrolmentIds) {
        const payment = await paymentOfSeat(repo, tx, enrolmentId);
        if (payment) await ledger.classSeatEarning(tx, { enrolmentId, classId: c.classId, paymentId: payment.id, priceMinor: c.priceMinor, at: c.at });
      }
    },
  };
}

/**
 * After a class seat's payment settles or fails (a durable job queued with the payment's commit), and a seat's refund:
 * paid → the held seat is confirmed through classes (a lapsed hold retakes a seat if one is free); a definite "no", or
 * a second payment for the same seat, is refunded at once. Failed → the seat is let go.
 */
export function installClassPayments(o: { checkout: CheckoutService; classes: Pick<ClassesApi, 'confirmHeldSeat' | 'releaseHeldSeat'>; jobs: JobRunner; clock: Clock; logger: Logger; db: Db }) {
  const { checkout, classes, clock, logger } = o;
  const repo = createProviderRepo(o.db);

  async function refund(enrolmentId: string, paymentId: string, amountMinor: number, reason: string, idempotencyKey: string) {
    const payment = await repo.findPayment(paymentId);
    if (!payment) return;
    const open = (await repo.refundsOf(payment.id)).filter((r) => r.status === 'requested').reduce((sum, r) => sum + r.amountMinor, 0);
    const amount = Math.min(amountMinor, payment.amountMinor - payment.refundedMinor - open);
    const earlier = await repo.findRefundByKey(repo.db, idempotencyKey);
    if (earlier || amount <= 0) {
      logger.info({ event: 'class_refund_skipped', enrolmentId, paymentId, reason: earlier ? 'already_refunded' : 'nothing_left', refundId: earlier?.id ?? null }, 'class seat: nothing more to refund');
      return;
    }
    const r = await checkout.refundAutomatically(payment.id, { amountMinor: amount, reason, idempotencyKey });
    if (!r.ok) return endOrRetryRefusedRefund(logger, r, { enrolmentId, paymentId });
    logger.info({ event: 'class_seat_refunded', enrolmentId, paymentId, amountMinor: r.value.refund.amountMinor, currency: payment.currency, refundId: r.value.refund.id, created: r.value.created }, 'class seat refunded');
  }

  o.jobs.register(CLASS_SEAT_PAYMENT_QUEUE, async ({ enrolmentId, checkoutId, outcome }) => {
    if (!isUuid(enrolmentId) || !isUuid(checkoutId)) return;
    if (outcome === 'failed') {
      await classes.releaseHeldSeat(enrolmentId, clock.now());
      logger.info({ event: 'class_seat_payment_failed', enrolmentId, checkoutId }, 'class seat payment failed: the seat is let go');
      return;
    }
    const c = await repo.findCheckout(repo.db, checkoutId);
    const [payment] = c ? await repo.paymentsOfCheckout(c.id) : [];
    if (!c || !payment) return;
    const [owner] = await repo.paidCheckoutsOfClassSeat(repo.db, enrolmentId);
    if (owner && owner.id !== c.id) return refund(enrolmentId, payment.id, payment.amountMinor, 'This seat was already paid for; the second payment is returned.', `class-seat-duplicate:${c.id}`);
    const r = await classes.confirmHeldSeat(enrolmentId, clock.now());
    if (r.ok) return;
    switch (r.reason) {
      case 'hold_expired':
      case 'not_confirmable':
      case 'not_found':
        logger.warn({ event: 'class_seat_payment_unconfirmed', enrolmentId, checkoutId, reason: r.reason }, 'a paid class seat could not be confirmed: refunded');
        return refund(enrolmentId, payment.id, payment.amountMinor, 'The seat could not be kept (the time to pay ran out and the class filled, or it was cancelled).', `class-seat-unconfirmed:${c.id}`);
      default:
        unreachable(r);
    }
  });

  o.jobs.register(CLASS_REFUND_QUEUE, async (p) => {
    if (!isUuid(p.enrolmentId) || !isUuid(p.paymentId) || !(p.amountMinor > 0)) return;
    await refund(p.enrolmentId, p.paymentId, p.amountMinor, p.reason, classRefundKey(p.enrolmentId));
  });
}
