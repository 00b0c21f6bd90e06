/**
 * Paying for booked lessons (issues #6 and #7): pure decisions. No I/O; times come in.
 *
 * Entitlement: the issue says confirming a booking needs an active plan or credits. For booked lessons the
 * entitlement IS the payment: a lesson is sold pay-per-session at the tutor's rate (plans and credit packs buy
 * instant-help questions, not lessons), so a paid booking is entitled and no plan or credit is consumed for it.
 */

/**
 * THE decision, in one place: a new booking is held and paid before it is confirmed exactly when a payment provider
 * is configured (Stripe, Razorpay, or the fake one in development) and the lesson has a price. Payments off
 * (BILLING_PROVIDER none, testConfig's default) or a free lesson (a tutor without a rate): confirmed at once.
 */
export function bookingNeedsPayment(provider: 'fake' | 'stripe' | 'razorpay' | 'none', priceMinor: number): boolean {
  return provider !== 'none' && priceMinor > 0;
}

export interface PayableBooking {
  id: string;
  studentId: string;
  seriesId: string | null;
  status: string;
  priceMinor: number;
  heldUntil: Date | null;
  createdAt: Date;
  cancelledAt: Date | null;
  confirmedAt: Date | null;
}

/**
 * Weekly lessons are paid in one checkout: a checkout for any week of a series covers every week of that series
 * that was a live hold of the student's when the checkout was made (and only those; weeks booked later by a
 * retry of the series need a checkout of their own). Both the amount charged (at `at` = now) and the weeks
 * confirmed on payment (at `at` = the checkout's creation) are read through this one function.
 */
export function weeksCovered<B extends PayableBooking>(anchor: B, series: B[], studentId: string, at: Date): B[] {
  if (!anchor.seriesId) return [anchor];
  const t = at.getTime();
  return series.filter(
    (b) =>
      b.seriesId === anchor.seriesId &&
      b.studentId === studentId &&
      b.createdAt.getTime() <= t &&
      !!b.heldUntil &&
      b.heldUntil.getTime() > t &&
      (!b.cancelledAt || b.cancelledAt.getTime() > t) &&
      (!b.confirmedAt || b.confirmedAt.getTime() > t),
  );
}

/** What goes back to the student: the amount paid less the prices of the weeks this payment confirmed. */
export function refundDue(paidMinor: number, confirmed: { priceMinor: number }[]): number {
  return Math.max(0, paidMinor - confirmed.reduce((s, b) => s + b.priceMinor, 0));
}

/** Who caused a booking's outcome: a party cancelling, or nobody (the lessons sweep, the system). */
export type OutcomeParty = 'student' | 'tutor' | null;

/** What a paid lesson's outcome does to its money: refund the lesson's price, keep it (the tutor's earning stands), or nothing to do. */
export type LessonMoney = { action: 'refund'; amountMinor: number; reason: string } | { action: 'keep'; reason: string } | { action: 'none' };

/**
 * THE rule for a paid lesson's money once its outcome is known (issues #6 and #7), in one place:
 * - free cancellation ('cancelled', by either party): full refund;
 * - late cancellation by the student: no refund, the tutor keeps the earning (the tutor's late-cancellation policy;
 *   issue #6 allows "a fee or no refund" and we take no refund); by the tutor (or the system): full refund, a tutor
 *   cancelling late must not cost the student;
 * - tutor no-show or both no-show: full refund; student no-show: no refund; completed: nothing;
 * - anything unpaid (a hold released or expired before payment), free, rescheduled (the payment moves along): nothing.
 * `priceMinor` is the booking's own price: for a weekly series paid in one checkout, that week's share.
 */
export function lessonOutcomeMoney(o: { outcome: string; by: OutcomeParty; paid: boolean; priceMinor: number }): LessonMoney {
  if (!o.paid || o.priceMinor <= 0) return { action: 'none' };
  const refund = (reason: string): LessonMoney => ({ action: 'refund', amountMinor: o.priceMinor, reason });
  switch (o.outcome) {
    case 'cancelled':
      return refund('The lesson was cancelled in time: the full price is returned.');
    case 'late_cancellation':
      return o.by === 'student' ? { action: 'keep', reason: 'late_cancellation' } : refund('The tutor cancelled the lesson: the full price is returned.');
    case 'tutor_no_show':
      return refund('The tutor did not come to the lesson: the full price is returned.');
    case 'both_no_show':
      return refund('Nobody came to the lesson: the full price is returned.');
    case 'student_no_show':
      return { action: 'keep', reason: 'student_no_show' };
    default:
      return { action: 'none' };
  }
}

/**
 * Whether a paid lesson's outcome earns it (issue #7: earnings are "per completed booked session"): it was completed,
 * or its money is kept by the tutor (a student no-show, a student's late cancellation). The earning then moves the
 * lesson's price from the prepayments to the tutor (LedgerService.lessonEarning).
 */
export function lessonEarned(outcome: string, money: LessonMoney): boolean {
  return outcome === 'completed' || money.action === 'keep';
}
