import { describe, expect, it } from 'vitest';
import { bookingNeedsPayment, lessonEarned, lessonOutcomeMoney, type OutcomeParty, type PayableBooking, refundDue, weeksCovered } from './bookings.rules';

const T = (m: number) => new Date(Date.UTC(2026, 11, 1, 10, m));
const week = (id: string, o: Partial<PayableBooking> = {}): PayableBooking => ({
  id,
  studentId: 's',
  seriesId: 'series',
  status: 'held',
  priceMinor: 80_000,
  heldUntil: T(10),
  createdAt: T(0),
  cancelledAt: null,
  confirmedAt: null,
  ...o,
});

describe('paying for booked lessons', () => {
  it('holds for payment only when a provider is configured and the lesson has a price', () => {
    expect(bookingNeedsPayment('fake', 80_000)).toBe(true);
    expect(bookingNeedsPayment('stripe', 1)).toBe(true);
    expect(bookingNeedsPayment('razorpay', 80_000)).toBe(true);
    expect(bookingNeedsPayment('none', 80_000)).toBe(false);
    expect(bookingNeedsPayment('fake', 0)).toBe(false);
  });

  it('a single booking is covered alone; a series covers the weeks that were live holds of the student when the checkout was made', () => {
    const single = week('x', { seriesId: null });
    expect(weeksCovered(single, [], 's', T(1))).toEqual([single]);
    const series = [
      week('w1'),
      week('w2'),
      week('cancelled-before', { status: 'cancelled', cancelledAt: T(1) }),
      week('cancelled-after', { status: 'cancelled', cancelledAt: T(5) }),
      week('lapsed', { heldUntil: T(2) }),
      week('booked-later', { createdAt: T(4) }),
      week('paid-before', { status: 'confirmed', confirmedAt: T(2) }),
      week('someone-else', { studentId: 'other' }),
      week('other-series', { seriesId: 'other' }),
    ];
    expect(weeksCovered(series[0]!, series, 's', T(3)).map((b) => b.id)).toEqual(['w1', 'w2', 'cancelled-after']);
  });

  it('refunds what the confirmed weeks do not account for, never less than nothing', () => {
    expect(refundDue(240_000, [{ priceMinor: 80_000 }, { priceMinor: 80_000 }])).toBe(80_000);
    expect(refundDue(80_000, [{ priceMinor: 80_000 }])).toBe(0);
    expect(refundDue(80_000, [])).toBe(80_000);
    expect(refundDue(50, [{ priceMinor: 80 }])).toBe(0);
  });

  it.each<[string, OutcomeParty, boolean, 'refund' | 'keep' | 'none']>([
    ['cancelled', 'student', true, 'refund'],
    ['cancelled', 'tutor', true, 'refund'],
    ['late_cancellation', 'student', true, 'keep'],
    ['late_cancellation', 'tutor', true, 'refund'],
    ['late_cancellation', null, true, 'refund'],
    ['tutor_no_show', null, true, 'refund'],
    ['both_no_show', null, true, 'refund'],
    ['student_no_show', null, true, 'keep'],
    ['completed', null, true, 'none'],
    ['rescheduled', 'student', true, 'none'],
    ['hold_expired', null, false, 'none'],
    ['hold_expired', null, true, 'none'],
    ['cancelled', 'student', false, 'none'],
    ['tutor_no_show', null, false, 'none'],
  ])('a paid lesson ending %s (by %s, paid %s): %s', (outcome, by, paid, action) => {
    const money = lessonOutcomeMoney({ outcome, by, paid, priceMinor: 60_000 });
    expect(money.action).toBe(action);
    if (money.action === 'refund') expect(money.amountMinor).toBe(60_000);
  });

  it('refunds only the booking’s own price (a week of a series), and nothing for a free lesson', () => {
    expect(lessonOutcomeMoney({ outcome: 'cancelled', by: 'tutor', paid: true, priceMinor: 80_000 })).toMatchObject({ action: 'refund', amountMinor: 80_000 });
    expect(lessonOutcomeMoney({ outcome: 'cancelled', by: 'tutor', paid: true, priceMinor: 0 })).toEqual({ action: 'none' });
  });

  it('a paid lesson is earned when completed or kept by the tutor (student no-show, late cancellation by the student), never when refunded', () => {
    const earned = (outcome: string, by: OutcomeParty) => lessonEarned(outcome, lessonOutcomeMoney({ outcome, by, paid: true, priceMinor: 80_000 }));
    expect(earned('completed', null)).toBe(true);
    expect(earned('student_no_show', null)).toBe(true);
    expect(earned('late_cancellation', 'student')).toBe(true);
    expect(earned('late_cancellation', 'tutor')).toBe(false);
    expect(earned('cancelled', 'student')).toBe(false);
    expect(earned('tutor_no_show', null)).toBe(false);
    expect(earned('both_no_show', null)).toBe(false);
    expect(earned('rescheduled', 'student')).toBe(false);
  });
});
