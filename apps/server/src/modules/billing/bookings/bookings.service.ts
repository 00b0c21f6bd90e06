import type { PaymentsConfig } from '../../../config';
import type { Clock } from '../../../platform/clock';
import type { Db, Tx } from '../../../platform/db';
import { z } from 'zod';
import { defineJob, type JobRunner } from '../../../platform/jobs';
import type { Logger } from '../../../platform/logger';
import { unreachable } from '../../../platform/result';
import type { OnBookingOutcome, BookingPayments as SchedulingBookingPayments } from '../../scheduling';
import { bookingById, seriesBookings } from '../billing.reads';
import { bookingNeedsPayment, lessonEarned, lessonOutcomeMoney, refundDue, weeksCovered } from './bookings.rules';
import { type CheckoutService, endOrRetryRefusedRefund } from '../payments/checkout.service';
import { createProviderRepo, isUuid, type ProviderRepo } from '../payments/payments.repo';
import { BOOKING_PAYMENT_QUEUE, type BookingPayments } from '../payments/webhooks.service';
import { createLedgerRepo } from '../ledger/ledger.repo';
import { createLedgerService } from '../ledger/ledger.service';
import { createSchoolLessonEarnings, type SchoolPaidLessons } from '../school/school-lessons';

/**
 * Scheduling's question "must this new booking be paid before it is confirmed?", answered from the payments config
 * (billing.bookings.rules bookingNeedsPayment: a provider is on and the lesson has a price). app.ts plugs it in.
 */
/** A paid lesson's refund, queued with its outcome. The ids are checked in the handler (a job that names no row does nothing). */
export const LESSON_REFUND_QUEUE = defineJob(
  'billing.lesson_refund',
  z.object({
    /** The booking whose outcome this is. */
    bookingId: z.string(),
    /** The booking the payment paid for (the first of a reschedule chain): one refund per paid lesson, keyed by it. */
    paidBookingId: z.string(),
    paymentId: z.string(),
    amountMinor: z.number(),
    outcome: z.string(),
    reason: z.string(),
  }),
);
type LessonRefundPayload = z.infer<typeof LESSON_REFUND_QUEUE.schema>;

/** One refund per paid lesson, whatever retries or repeated outcomes happen (refunds.idempotency_key). */
export const lessonRefundKey = (paidBookingId: string) => `lesson-refund:${paidBookingId}`;

/**
 * The payment that paid for a booking, read in the caller's transaction: a moved lesson keeps the payment of the
 * booking it was moved from (rescheduledFrom, back to the first), and a week of a series is paid by the first paid
 * checkout of the series that covered it (billing.bookings.rules weeksCovered).
 */
async function paymentOfBooking(repo: ProviderRepo, tx: Tx, bookingId: string) {
  let paid = await bookingById(tx, bookingId);
  for (let hops = 0; paid?.rescheduledFrom && hops < 100; hops++) paid = (await bookingById(tx, paid.rescheduledFrom)) ?? paid;
  const root = paid;
  if (!root) return null;
  const series = root.seriesId ? await seriesBookings(tx, root.seriesId) : [root];
  for (const c of await repo.paidCheckoutsOfBookings(tx, series.map((b) => b.id))) {
    const anchor = series.find((b) => b.id === c.bookingId);
    // The weeks as they stood when the checkout was made: a confirmation or cancellation stamped with that same instant
    // (a fast payment, a frozen test clock) came after it, not before.
    const made = c.createdAt.getTime();
    const asMade = series.map((b) => ({ ...b, confirmedAt: b.confirmedAt && b.confirmedAt.getTime() >= made ? null : b.confirmedAt, cancelledAt: b.cancelledAt && b.cancelledAt.getTime() >= made ? null : b.cancelledAt }));
    if (!anchor || !weeksCovered(anchor, asMade, c.studentId, c.createdAt).some((w) => w.id === root.id)) continue;
    const [payment] = await repo.paymentsOfCheckout(c.id, tx);
    if (payment) return { paidBookingId: root.id, payment };
  }
  return null;
}

/**
 * What a booking's outcome does to its payment (scheduling calls this inside the outcome's transaction): decided by
 * billing.bookings.rules lessonOutcomeMoney; a refund is queued as a durable job in that same transaction (one per
 * booking and outcome), and the job refunds through the same path as every automatic refund (registered by
 * installBookingSettlement). Only a confirmed booking counts as paid here: a held one whose payment lands later is
 * refunded by the payment's own settlement job (it can no longer be confirmed).
 * An earned lesson (billing.bookings.rules lessonEarned: completed, kept by the tutor) posts its earning in the same
 * transaction (LedgerService.lessonEarning): the price moves from lesson prepayments to the tutor, less commission.
 * A confirmed, priced lesson with no payment that a school's course paid for (SCHOOL_PAID_LESSONS, decision 075) is
 * earned by the same rule, against the course's receivable; its other outcomes move no money (nobody paid to refund).
 */
export function bookingOutcomeMoney(o: { db: Db; clock: Clock; logger: Logger; schools?: SchoolPaidLessons; commissionBps?: number }): OnBookingOutcome {
  const repo = createProviderRepo(o.db);
  // The commission is the one recorded with the payment (LedgerPort.paymentReceived), so none is configured here.
  const ledger = createLedgerService({ repo: createLedgerRepo(o.db), clock: o.clock, logger: o.logger, commissionBps: 0 });
  const schoolEarning = createSchoolLessonEarnings({ db: o.db, clock: o.clock, logger: o.logger, commissionBps: o.commissionBps ?? 0 });
  return async (tx, e) => {
    const booking = await bookingById(tx, e.bookingId);
    if (!booking) return null;
    const found = e.wasConfirmed && booking.priceMinor > 0 ? await paymentOfBooking(repo, tx, booking.id) : null;
    const payer = !found && e.wasConfirmed && booking.priceMinor > 0 && o.schools ? await o.schools.payerOf(tx, booking.id) : null;
    if (payer) {
      const money = lessonOutcomeMoney({ outcome: e.outcome, by: e.by, paid: true, priceMinor: booking.priceMinor });
      if (lessonEarned(e.outcome, money)) await schoolEarning(tx, { bookingId: booking.id, tutorId: booking.tutorId, payer, priceMinor: booking.priceMinor, currency: booking.currency, outcome: e.outcome, at: e.at });
      else o.logger.info({ event: 'school_lesson_not_billed', bookingId: booking.id, courseId: payer.courseId, outcome: e.outcome, by: e.by }, 'school-paid lesson: nothing earned, nothing billed');
      return null;
    }
    const money = lessonOutcomeMoney({ outcome: e.outcome, by: e.by, paid: !!found, priceMinor: booking.priceMinor });
    if (found && lessonEarned(e.outcome, money)) {
      await ledger.lessonEarning(tx, { bookingId: booking.id, paidBookingId: found.paidBookingId, paymentId: found.payment.id, priceMinor: booking.priceMinor, at: e.at });
    }
    if (money.action === 'none' || !found) return null;
    if (money.action === 'keep') {
      o.logger.info({ event: 'lesson_payment_kept', bookingId: booking.id, paymentId: found.payment.id, outcome: e.outcome, by: e.by, reason: money.reason }, 'paid lesson: no refund, the tutor keeps the earning');
      return { action: 'keep' };
    }
    const payload: LessonRefundPayload = { bookingId: booking.id, paidBookingId: found.paidBookingId, paymentId: found.payment.id, amountMinor: money.amountMinor, outcome: e.outcome, reason: money.reason };
    await LESSON_REFUND_QUEUE.enqueue(tx, payload, { dedupeKey: `${LESSON_REFUND_QUEUE.queue}:${booking.id}:${e.outcome}`, now: o.clock.now(), runAt: e.at });
    o.logger.info({ event: 'lesson_refund_queued', bookingId: booking.id, paymentId: found.payment.id, outcome: e.outcome, by: e.by, amountMinor: money.amountMinor, currency: booking.currency }, 'paid lesson: refund queued');
    return { action: 'refund', amountMinor: money.amountMinor, currency: booking.currency };
  };
}

export function bookingPaymentPolicy(config: Pick<PaymentsConfig, 'provider'>): SchedulingBookingPayments {
  return { requiresPayment: (b) => bookingNeedsPayment(config.provider, b.priceMinor) };
}

/**
 * After a booking's payment settles (or fails), from a durable job queued with the payment's own commit:
 * - paid: every week the checkout covers is confirmed through scheduling (a late payment is confirmed if the slot is
 *   still bookable, scheduling.confirmHeld); whatever could not be confirmed (the slot was taken, the student had
 *   cancelled, or the hold was already paid by another checkout) is refunded automatically, at once.
 * - failed: the hold is released, so the slot is free again (the learner may book again).
 * Re-running the job is harmless: confirming is idempotent and the refund carries a key derived from the checkout.
 */
export function installBookingSettlement(o: { repo: ProviderRepo; checkout: CheckoutService; bookings: BookingPayments; jobs: JobRunner; clock: Clock; logger: Logger }) {
  const { repo, checkout, bookings, clock, logger } = o;

  async function paid(bookingId: string, checkoutId: string) {
    const c = await repo.findCheckout(repo.db, checkoutId);
    const anchor = await bookingById(repo.db, bookingId);
    if (!c || !anchor) return;
    const [payment] = await repo.paymentsOfCheckout(c.id);
    if (!payment) return;
    // A second checkout paid for the same hold (two tabs): the first paid one owns the booking, this one is refunded.
    const owner = (await repo.paidCheckoutsOfBooking(bookingId))[0];
    const duplicate = owner && owner.id !== c.id;
    const weeks = duplicate ? [] : weeksCovered(anchor, anchor.seriesId ? await seriesBookings(repo.db, anchor.seriesId) : [anchor], c.studentId, c.createdAt);
    const confirmed: { priceMinor: number }[] = [];
    const refused: string[] = [];
    for (const week of weeks) {
      const r = await bookings.confirmHeld(week.id, clock.now());
      if (r.ok) {
        confirmed.push(week);
        continue;
      }
      // Scheduling's definite "no" (the hold ran out and the slot is gone, the booking was cancelled or is gone) is
      // refunded; a fault throws out of confirmHeld, and the job runs again.
      switch (r.reason) {
        case 'hold_expired':
        case 'not_confirmable':
        case 'not_found':
          refused.push(week.id);
          break;
        default:
          unreachable(r);
      }
    }
    const amountMinor = Math.min(refundDue(c.amountMinor, confirmed), payment.amountMinor - payment.refundedMinor);
    if (amountMinor <= 0) return;
    const reason = duplicate ? 'This lesson was already paid for; the second payment is returned.' : 'The booking could not be confirmed (the time to pay ran out and the slot was taken, or it was cancelled).';
    const refunded = await checkout.refundAutomatically(payment.id, { amountMinor, reason, idempotencyKey: `booking-unconfirmed:${c.id}` });
    if (!refunded.ok) return endOrRetryRefusedRefund(logger, refunded, { bookingId, paymentId: payment.id, checkoutId: c.id });
    const { refund } = refunded.value;
    logger.warn(
      { event: 'booking_payment_refunded', checkoutId: c.id, paymentId: payment.id, bookingId, refused, duplicate: !!duplicate, amountMinor, currency: payment.currency, refundId: refund.id, refundStatus: refund.status },
      'a booking payment could not (all) be used, so it is refunded',
    );
  }

  async function failed(bookingId: string, checkoutId: string | undefined) {
    const anchor = await bookingById(repo.db, bookingId);
    if (!anchor) return;
    const c = checkoutId ? await repo.findCheckout(repo.db, checkoutId) : null;
    const weeks = c && anchor.seriesId ? weeksCovered(anchor, await seriesBookings(repo.db, anchor.seriesId), c.studentId, c.createdAt) : [anchor];
    // A week that no longer exists (not_found) has nothing to release.
    for (const week of weeks) await bookings.releaseHold(week.id, clock.now());
    logger.info({ event: 'booking_payment_failed', bookingId, checkoutId, released: weeks.map((w) => w.id) }, 'payment failed: the held lessons are released');
  }

  /** A paid lesson's outcome asked for a refund (bookingOutcomeMoney): at most the lesson's price, once per paid lesson. */
  async function refundLesson(p: LessonRefundPayload) {
    const idempotencyKey = lessonRefundKey(p.paidBookingId);
    const earlier = await repo.findRefundByKey(repo.db, idempotencyKey);
    if (earlier) {
      logger.info({ event: 'lesson_refund_already_made', bookingId: p.bookingId, paymentId: p.paymentId, refundId: earlier.id, outcome: p.outcome }, 'this lesson was already refunded');
      return;
    }
    const payment = await repo.findPayment(p.paymentId);
    if (!payment) return;
    const open = (await repo.refundsOf(payment.id)).filter((r) => r.status === 'requested').reduce((sum, r) => sum + r.amountMinor, 0);
    const amountMinor = Math.min(p.amountMinor, payment.amountMinor - payment.refundedMinor - open);
    if (amountMinor <= 0) {
      logger.warn({ event: 'lesson_refund_skipped', bookingId: p.bookingId, paymentId: payment.id, outcome: p.outcome, reason: 'nothing_left' }, 'nothing left of the payment to refund for this lesson');
      return;
    }
    const refunded = await checkout.refundAutomatically(payment.id, { amountMinor, reason: p.reason, idempotencyKey });
    if (!refunded.ok) return endOrRetryRefusedRefund(logger, refunded, { bookingId: p.bookingId, paymentId: payment.id });
    const { refund, created } = refunded.value;
    logger.info(
      { event: 'lesson_refunded', bookingId: p.bookingId, paidBookingId: p.paidBookingId, paymentId: payment.id, outcome: p.outcome, amountMinor, currency: payment.currency, refundId: refund.id, refundStatus: refund.status, created },
      'paid lesson refunded after its outcome',
    );
  }

  o.jobs.register(LESSON_REFUND_QUEUE, async (p) => {
    if (!isUuid(p.bookingId) || !isUuid(p.paidBookingId) || !isUuid(p.paymentId) || !(p.amountMinor > 0)) return;
    await refundLesson(p);
  });

  o.jobs.register(BOOKING_PAYMENT_QUEUE, async ({ bookingId, checkoutId, outcome }) => {
    if (!isUuid(bookingId) || (checkoutId !== undefined && !isUuid(checkoutId))) return;
    if (outcome === 'paid') {
      if (checkoutId) return paid(bookingId, checkoutId);
      // A payment without a checkout to refund from: a definite "no" is logged (trying again would not change it).
      const r = await bookings.confirmHeld(bookingId, clock.now());
      if (!r.ok) logger.warn({ event: 'booking_payment_unconfirmed', bookingId, reason: r.reason }, 'a paid booking could not be confirmed');
    } else await failed(bookingId, checkoutId);
  });
  return { paid, failed, refundLesson };
}
