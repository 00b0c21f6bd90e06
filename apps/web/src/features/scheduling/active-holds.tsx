import type { BookingView } from '@tutorline/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { T, useT } from '../../i18n';
import { api } from '../../lib/api';
import { formatDateTime, formatMoney, formatTime } from '../../lib/format';
import { useNow } from '../../lib/use-now';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { bookingErrorText } from './booking-errors';
import { holdLeftLabel, usePayBooking } from './booking-payment';
import { lessonPaths } from './lesson-queries';
import { schedulingKeys, schedulingQueryRoot, useActiveHolds } from './scheduling-queries';
import './booking.css';

/** Holds of one weekly series go together (one checkout pays for all its held weeks); single bookings alone. */
export function groupHolds(holds: readonly BookingView[]): BookingView[][] {
  const groups = new Map<string, BookingView[]>();
  for (const h of holds) {
    const key = h.seriesId ?? h.id;
    groups.set(key, [...(groups.get(key) ?? []), h]);
  }
  return [...groups.values()];
}

/**
 * A learner's bookings with this tutor held for payment, as the server has them: coming back to the profile (Back,
 * a reload, another device) shows "You are holding Tue 16:00 — held for you until 16:12", with Pay now and Release. `hide` leaves
 * out holds the page is already showing (just booked).
 */
export function ActiveHolds({ tutorId, zone, hide }: { tutorId: string; zone: string; hide: readonly string[] }) {
  const t = useT();
  const holds = useActiveHolds(tutorId);
  const now = useNow(1000, (holds.data?.length ?? 0) > 0);
  const live = (holds.data ?? []).filter((h) => !hide.includes(h.id) && h.heldUntil && Date.parse(h.heldUntil) > now);
  if (live.length === 0) return null;
  return (
    <section className="active-holds stack" data-testid="active-holds" aria-label={t('booking.holds.label')}>
      {groupHolds(live).map((weeks) => (
        <HoldNotice key={weeks[0]!.id} weeks={weeks} zone={zone} now={now} tutorId={tutorId} />
      ))}
    </section>
  );
}

function HoldNotice({ weeks, zone, now, tutorId }: { weeks: BookingView[]; zone: string; now: number; tutorId: string }) {
  const t = useT();
  const queryClient = useQueryClient();
  const first = weeks[0]!;
  const pay = usePayBooking();
  const release = useMutation({
    mutationFn: () => (first.seriesId && weeks.length > 1 ? api.post(lessonPaths.cancelSeries(first.seriesId)) : api.post<BookingView>(`/api/bookings/${encodeURIComponent(first.id)}/cancel`)),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: schedulingKeys.holds(tutorId) });
      void queryClient.invalidateQueries({ queryKey: schedulingKeys.bookings });
      void queryClient.invalidateQueries({ queryKey: schedulingKeys.slotsOf(tutorId) });
      void queryClient.invalidateQueries({ queryKey: [schedulingQueryRoot, 'series-preview'] });
    },
  });
  const until = first.heldUntil!;
  const price = formatMoney(
    weeks.reduce((sum, b) => sum + b.priceMinor, 0),
    first.currency,
  );
  const from = formatDateTime(first.start, { zone });
  const titleId = `hold-${first.id}`;
  return (
    <section className="card hold-notice" data-testid="active-hold" aria-labelledby={titleId}>
      <p className="hold-notice-title" id={titleId}>
        {weeks.length > 1 ? t('booking.holds.titleWeekly', { count: weeks.length, from }) : t('booking.holds.title', { from })}
      </p>
      <p>
        <T
          id="booking.holds.body"
          values={{ until: formatTime(until, { zone }), left: holdLeftLabel(Date.parse(until) - now), price, count: weeks.length }}
          components={{ 0: <strong /> }}
        />
      </p>
      {(pay.error ?? release.error) && <Alert tone="error">{bookingErrorText(pay.error ?? release.error)}</Alert>}
      <div className="form-actions">
        <Button pending={pay.isPending || pay.isSuccess} pendingLabel={t('booking.pay.opening')} disabled={release.isPending} onClick={() => pay.mutate(first.id)}>
          {t('booking.holds.payNow')}
        </Button>
        <Button variant="secondary" pending={release.isPending} pendingLabel={t('booking.holds.releasing')} disabled={pay.isPending || pay.isSuccess} onClick={() => release.mutate()}>
          {t('booking.holds.release')}
        </Button>
      </div>
    </section>
  );
}
