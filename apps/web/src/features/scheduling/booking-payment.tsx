import type { BookingView, CheckoutView } from '@tutorline/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { T, useT } from '../../i18n';
import { api, ApiError } from '../../lib/api';
import { formatCountdown, formatDateTime, formatDuration, formatDateTimeRange, formatMoney, formatTime } from '../../lib/format';
import { useNow } from '../../lib/use-now';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { ProgressBar } from '../../ui/progress-bar';
import { bookingErrorText } from './booking-errors';
import { newAttemptKey, postBooking, schedulingKeys, schedulingQueryRoot, useMyBookings } from './scheduling-queries';
import { bookingCourseOf, courseQuery, rememberBookingCourse } from '../lti';

/** Back to the tutor's times, in the course the booking was made in when it was (#16: the course link's ?course= stays). */
export const pickAgainPath = (booking: Pick<BookingView, 'id' | 'tutorId'> | null | undefined) => (booking ? `/tutors/${booking.tutorId}${courseQuery(bookingCourseOf(booking.id))}` : '/tutors');

/**
 * Paying for a booked lesson (issues #6, #7). A priced booking comes back 'held' for a few minutes; the learner
 * pays on the provider's page (the fake provider's page in development), comes back to /billing/return, and the
 * page follows the checkout until the booking is confirmed, or the payment failed (then the slot is released and
 * the learner may book the same time again at once).
 */

const checkoutPath = (id: string) => `/api/billing/checkouts/${encodeURIComponent(id)}`;
const POLL_MS = 1000;
/** How long to follow a payment before saying it is taking unusually long (it keeps polling after). */
const SLOW_AFTER_MS = 30_000;

/** Time left on a hold: "7 min", then a running "0:42" in the last minute. */
export function holdLeftLabel(ms: number): string {
  if (ms <= 0) return formatCountdown(0);
  if (ms >= 60_000) return formatDuration(Math.ceil(ms / 60_000));
  return formatCountdown(Math.ceil(ms / 1000));
}

/** Creates the checkout for a held booking and sends the browser to the page where it is paid. */
export function usePayBooking() {
  const [key, setKey] = useState(newAttemptKey);
  return useMutation({
    mutationFn: (bookingId: string) => api.post<CheckoutView>('/api/billing/checkout', { bookingId, idempotencyKey: key }),
    onSuccess: (checkout) => {
      if (checkout.url) window.location.assign(checkout.url);
    },
    onError: (error) => {
      if (!(error instanceof ApiError && error.status === 0)) setKey(newAttemptKey());
    },
  });
}

/**
 * Right after booking: "Held for you until 16:42 — pay ₹800 to confirm", with the time left and the Pay button. For
 * weekly lessons `weeks` are the held weeks: one checkout pays for all of them (the server sums their prices).
 */
export function HeldBookingPayment({ booking, weeks, zone, tutorName }: { booking: BookingView; weeks?: BookingView[]; zone: string; tutorName: string }) {
  const t = useT();
  const now = useNow(1000);
  const pay = usePayBooking();
  const price = formatMoney((weeks ?? [booking]).reduce((sum, b) => sum + b.priceMinor, 0), booking.currency);
  const until = booking.heldUntil ? Date.parse(booking.heldUntil) : now;
  const left = until - now;
  if (left <= 0 && !pay.isPending) {
    return (
      <Alert tone="warning" title={t('booking.pay.holdOut')} testId="booking-hold-expired">
        <p>{t('booking.pay.holdOutBody')}</p>
      </Alert>
    );
  }
  return (
    <section className="card booking-payment stack" data-testid="booking-held" aria-labelledby="held-title">
      <Alert tone="info" title={<span id="held-title">{t('booking.pay.heldTitle', { until: booking.heldUntil ? formatTime(booking.heldUntil, { zone }) : '', price })}</span>}>
        <p>
          {weeks && weeks.length > 1
            ? t('booking.pay.heldWeekly', { count: weeks.length, from: formatDateTime(booking.start, { zone }), name: tutorName, left: holdLeftLabel(left) })
            : t('booking.pay.heldOne', { when: formatDateTimeRange(booking.start, booking.end, { zone }), name: tutorName, left: holdLeftLabel(left) })}
        </p>
      </Alert>
      {pay.error && <Alert tone="error">{bookingErrorText(pay.error)}</Alert>}
      <Button className="btn-large" block pending={pay.isPending || pay.isSuccess} pendingLabel={t('booking.pay.opening')} onClick={() => pay.mutate(booking.id)}>
        {t('booking.pay.pay', { price })}
      </Button>
    </section>
  );
}

/** On My lessons: a held lesson says "Pay to confirm" and how long the hold lasts. */
export function HeldLessonPay({ booking, now }: { booking: BookingView; now: number }) {
  const t = useT();
  const pay = usePayBooking();
  const left = booking.heldUntil ? Date.parse(booking.heldUntil) - now : 0;
  if (left <= 0) return <p className="muted">{t('booking.pay.releasing')}</p>;
  return (
    <div className="lesson-pay stack" data-testid="lesson-pay">
      <Button block pending={pay.isPending || pay.isSuccess} pendingLabel={t('booking.pay.opening')} onClick={() => pay.mutate(booking.id)}>
        {t('booking.pay.payToConfirm', { price: formatMoney(booking.priceMinor, booking.currency) })}
      </Button>
      <p className="muted">{t('booking.pay.heldFor', { left: holdLeftLabel(left) })}</p>
      {pay.error && <Alert tone="error">{bookingErrorText(pay.error)}</Alert>}
    </div>
  );
}

type ReturnState =
  | { kind: 'loading' }
  | { kind: 'waiting_payment' }
  | { kind: 'not_paid'; checkout: CheckoutView }
  | { kind: 'waiting_booking'; checkout: CheckoutView }
  | { kind: 'confirmed'; checkout: CheckoutView; booking: BookingView | null }
  | { kind: 'refunded'; checkout: CheckoutView; booking: BookingView }
  | { kind: 'failed'; checkout: CheckoutView; booking: BookingView | null };

/** Where the checkout and its booking stand, from what the server says. */
export function returnState(checkout: CheckoutView | undefined, booking: BookingView | null | undefined, cameBack: 'cancelled' | 'returned'): ReturnState {
  if (!checkout) return { kind: 'loading' };
  if (checkout.status === 'failed' || checkout.status === 'expired') return { kind: 'failed', checkout, booking: booking ?? null };
  if (checkout.status === 'open') return cameBack === 'cancelled' ? { kind: 'not_paid', checkout } : { kind: 'waiting_payment' };
  if (checkout.purpose !== 'booking') return { kind: 'confirmed', checkout, booking: null };
  if (!booking || booking.status === 'held') return { kind: 'waiting_booking', checkout };
  if (booking.status === 'cancelled') return { kind: 'refunded', checkout, booking };
  return { kind: 'confirmed', checkout, booking };
}

/** The page the payment provider sends the learner back to: follows the checkout until the lesson is confirmed. */
export function PaymentReturn({ checkoutId, cancelled, zone }: { checkoutId: string; cancelled: boolean; zone: string }) {
  const t = useT();
  const [startedAt] = useState(() => Date.now());
  // Poll the checkout while it is open (the provider's webhook has not been processed yet).
  const checkout = useQuery({
    queryKey: ['billing', 'checkout', checkoutId],
    queryFn: () => api.get<CheckoutView>(checkoutPath(checkoutId)),
    refetchInterval: (q) => (q.state.data && (q.state.data.status !== 'open' || cancelled) ? false : POLL_MS),
  });
  const bookingId = checkout.data?.purpose === 'booking' && checkout.data.status !== 'open' ? checkout.data.bookingId : null;
  // Then the booking, which a job confirms (or releases) just after the payment: poll until it leaves 'held'.
  const bookings = useQuery({
    queryKey: schedulingKeys.bookings,
    queryFn: () => api.get<{ bookings: BookingView[] }>('/api/bookings').then((r) => r.bookings),
    enabled: !!bookingId,
    refetchInterval: (q) => (q.state.data?.find((b) => b.id === bookingId)?.status === 'held' || !q.state.data?.some((b) => b.id === bookingId) ? POLL_MS : false),
  });
  const booking = bookingId ? bookings.data?.find((b) => b.id === bookingId) : undefined;
  const state = returnState(checkout.data, booking, cancelled ? 'cancelled' : 'returned');
  const done = state.kind === 'confirmed' || state.kind === 'refunded' || state.kind === 'failed' || state.kind === 'not_paid';
  const now = useNow(1000, !done);

  if (checkout.isError) {
    return (
      <Alert tone="error" title={t('booking.pay.notFound')}>
        <p>{bookingErrorText(checkout.error)}</p>
        <p>
          <Link to="/lessons">{t('booking.seeLessons')}</Link>
        </p>
      </Alert>
    );
  }

  const slow = now - startedAt > SLOW_AFTER_MS;
  switch (state.kind) {
    case 'loading':
    case 'waiting_payment':
    case 'waiting_booking': {
      const step = state.kind === 'waiting_booking' ? t('booking.pay.confirming') : t('booking.pay.checking');
      return (
        <section className="card stack" data-testid="payment-progress" aria-live="polite">
          <h2>{step}</h2>
          <ProgressBar value={state.kind === 'waiting_booking' ? 0.75 : state.kind === 'waiting_payment' ? 0.4 : null} label={step} />
          {slow && <p className="muted">{t('booking.pay.slow')}</p>}
        </section>
      );
    }
    case 'confirmed':
      return (
        <Alert tone="success" title={state.booking ? t('booking.pay.paidBooked') : t('booking.pay.received')} testId="payment-confirmed">
          {state.booking && (
            <p>{t('booking.pay.paidBody', { when: formatDateTimeRange(state.booking.start, state.booking.end, { zone }), amount: formatMoney(state.checkout.amountMinor, state.checkout.currency) })}</p>
          )}
          <p>
            <Link className="btn btn-primary" to="/lessons">
              {t('booking.seeLessons')}
            </Link>
          </p>
        </Alert>
      );
    case 'refunded':
      return (
        <Alert tone="warning" title={t('booking.pay.refunded')} testId="payment-refunded">
          <p>{t('booking.pay.refundedBody')}</p>
          <p>
            <Link to={pickAgainPath(state.booking)}>{t('booking.pay.pickAnother')}</Link>
          </p>
        </Alert>
      );
    case 'not_paid':
      return <NotPaid checkout={state.checkout} zone={zone} now={now} />;
    case 'failed':
      return <PaymentFailed booking={state.booking} zone={zone} />;
  }
}

/** Came back from the payment page without paying: pay now while the hold lasts. */
function NotPaid({ checkout, zone, now }: { checkout: CheckoutView; zone: string; now: number }) {
  const t = useT();
  const bookings = useMyBookings(!!checkout.bookingId);
  const booking = bookings.data?.find((b) => b.id === checkout.bookingId);
  const live = booking?.status === 'held' && booking.heldUntil && Date.parse(booking.heldUntil) > now;
  return (
    <Alert tone="warning" title={t('booking.pay.notPaid')} testId="payment-not-paid">
      {live && booking ? (
        <>
          <p>{t('booking.pay.heldUntil', { until: formatTime(booking.heldUntil!, { zone }) })}</p>
          <HeldLessonPay booking={booking} now={now} />
        </>
      ) : (
        <p>
          <T id="booking.pay.holdRanOut" components={{ 0: <Link to={pickAgainPath(booking)} /> }} />
        </p>
      )}
    </Alert>
  );
}

/** The payment failed: nothing was charged and the slot was released; book the same time again (it may still be free). */
function PaymentFailed({ booking, zone }: { booking: BookingView | null; zone: string }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [key] = useState(newAttemptKey);
  const pay = usePayBooking();
  const again = useMutation({
    mutationFn: (b: BookingView) => {
      const { course } = bookingCourseOf(b.id);
      return postBooking({ tutorId: b.tutorId, start: b.start, durationMinutes: Math.round((Date.parse(b.end) - Date.parse(b.start)) / 60_000), idempotencyKey: key, ...(course ? { course } : {}) });
    },
    onSuccess: (b, from) => {
      rememberBookingCourse([b.id], bookingCourseOf(from.id));
      void queryClient.invalidateQueries({ queryKey: [schedulingQueryRoot] });
      if (b.status === 'held') pay.mutate(b.id);
    },
  });
  return (
    <Alert tone="error" title={t('booking.pay.failed')} testId="payment-failed">
      <p>{t('booking.pay.failedBody')}</p>
      {/* The hold is released by a job just after the failure: offer the same time again once it is free. */}
      {booking && booking.status !== 'held' && (
        <>
          <p>{t('booking.pay.againBody', { when: formatDateTime(booking.start, { zone }) })}</p>
          {(again.error ?? pay.error) && <p>{bookingErrorText(again.error ?? pay.error)}</p>}
          <Button pending={again.isPending || pay.isPending || pay.isSuccess} pendingLabel={t('booking.pay.bookingAgain')} onClick={() => again.mutate(booking)}>
            {t('booking.tryAgain')}
          </Button>
        </>
      )}
      <p>
        <Link to={pickAgainPath(booking)}>{t('booking.pay.pickAnother')}</Link>
      </p>
    </Alert>
  );
}
