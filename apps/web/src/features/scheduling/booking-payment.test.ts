import type { BookingView, CheckoutView } from '@tutorline/contracts';
import { describe, expect, it } from 'vitest';
import { holdLeftLabel, returnState } from './booking-payment';

const checkout = (o: Partial<CheckoutView> = {}): CheckoutView => ({
  id: 'c',
  purpose: 'booking',
  planId: null,
  bookingId: 'b',
  classEnrolmentId: null,
  provider: 'fake',
  amountMinor: 80_000,
  currency: 'INR',
  status: 'open',
  url: null,
  createdAt: '2026-11-30T00:00:00.000Z',
  ...o,
});
const booking = (status: BookingView['status']) => ({ id: 'b', status }) as BookingView;

describe('following a lesson payment', () => {
  it('waits for the payment, then for the booking, and ends confirmed, refunded or failed', () => {
    expect(returnState(undefined, undefined, 'returned').kind).toBe('loading');
    expect(returnState(checkout(), undefined, 'returned').kind).toBe('waiting_payment');
    expect(returnState(checkout(), undefined, 'cancelled').kind).toBe('not_paid');
    expect(returnState(checkout({ status: 'paid' }), undefined, 'returned').kind).toBe('waiting_booking');
    expect(returnState(checkout({ status: 'paid' }), booking('held'), 'returned').kind).toBe('waiting_booking');
    expect(returnState(checkout({ status: 'paid' }), booking('confirmed'), 'returned').kind).toBe('confirmed');
    expect(returnState(checkout({ status: 'paid' }), booking('cancelled'), 'returned').kind).toBe('refunded');
    expect(returnState(checkout({ status: 'failed' }), booking('held'), 'returned').kind).toBe('failed');
    expect(returnState(checkout({ status: 'expired' }), null, 'cancelled').kind).toBe('failed');
    expect(returnState(checkout({ status: 'paid', purpose: 'credit_pack', bookingId: null }), undefined, 'returned').kind).toBe('confirmed');
  });

  it('says how long the hold lasts', () => {
    expect(holdLeftLabel(10 * 60_000)).toBe('10 min');
    expect(holdLeftLabel(61_000)).toBe('2 min');
    expect(holdLeftLabel(42_000)).toBe('0:42');
    expect(holdLeftLabel(5_000)).toBe('0:05');
    expect(holdLeftLabel(-1)).toBe('0:00');
  });
});
