import type { BookingView, LearnerSlotView, MyBookingView } from '@tutorline/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { T, useT } from '../../i18n';
import { api, ApiError } from '../../lib/api';
import { formatDateTime, formatDateTimeRange, formatMoney, formatTime, formatUntil, zoneName } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { ZoneName } from '../../ui/zone-name';
import { isLateCancellation, lessonPhase, lessonStatus, otherParty, roomWindow } from './lesson-times';
import { lessonPaths, useCancelFreeHours, useOpenRoom, useReschedule } from './lesson-queries';
import { bookingErrorText } from './booking-errors';
import { HeldLessonPay } from './booking-payment';
import { ReviewForm } from './review-form';
import { newAttemptKey, schedulingKeys, schedulingQueryRoot } from './scheduling-queries';
import { SlotChooser, useSlotRange } from './slot-chooser';
import { otherPartyClock } from './slot-format';
import './lessons.css';

const DAY_MS = 86_400_000;

interface LessonCardProps {
  /** The booking with both parties' names and zones (GET /api/bookings). */
  booking: MyBookingView;
  viewerRole: 'student' | 'tutor';
  viewerZone: string;
  /** A tutor's own free-cancellation hours (a student's card reads the tutor's when the cancel dialog opens). */
  cancelFreeHours: number | null;
  now: number;
  /** Told after a cancellation or a move, for a message that outlives this card's move to the past list. */
  onChanged?: (message: string) => void;
}

function Reschedule({ booking, zone, onDone, onChanged }: { booking: BookingView; zone: string; onDone: () => void; onChanged?: (message: string) => void }) {
  const t = useT();
  const range = useSlotRange(zone);
  const [picked, setPicked] = useState<LearnerSlotView | null>(null);
  const [key, setKey] = useState(newAttemptKey);
  const move = useReschedule();
  const duration = Math.round((Date.parse(booking.end) - Date.parse(booking.start)) / 60_000);
  return (
    <div className="lesson-panel stack" data-testid="reschedule-panel">
      <p className="muted">
        <T id="booking.card.pickNew" components={{ 0: <ZoneName zone={zone} /> }} />
      </p>
      <SlotChooser
        tutorId={booking.tutorId}
        zone={zone}
        duration={duration}
        range={range}
        picked={picked}
        exclude={booking.start}
        onPick={(slot) => {
          setPicked(slot);
          setKey(newAttemptKey());
          move.reset();
        }}
      />
      {move.error && <Alert tone="error">{bookingErrorText(move.error)}</Alert>}
      <div className="form-actions">
        <Button
          disabled={!picked}
          pending={move.isPending}
          pendingLabel={t('booking.card.moving')}
          onClick={() =>
            picked &&
            move.mutate(
              { bookingId: booking.id, body: { start: picked.start, idempotencyKey: key } },
              {
                onSuccess: (moved) => {
                  onChanged?.(t('booking.card.moved', { when: formatDateTime(moved.start, { zone }) }));
                  onDone();
                },
                onError: (error) => {
                  if (!(error instanceof ApiError && error.status === 0)) setKey(newAttemptKey());
                },
              },
            )
          }
        >
          {picked ? t('booking.card.moveTo', { when: formatDateTime(picked.start, { zone }) }) : t('booking.card.pickTime')}
        </Button>
        <Button variant="ghost" onClick={onDone}>
          {t('booking.card.keepTime')}
        </Button>
      </div>
    </div>
  );
}

interface CancelConfirmProps {
  booking: BookingView;
  /** The free-cancellation hours when already known (a tutor's own); otherwise read from the tutor's public profile. */
  knownFreeHours: number | null;
  now: number;
  onDone: () => void;
  onChanged?: (message: string) => void;
}

function CancelConfirm({ booking, knownFreeHours, now, onDone, onChanged }: CancelConfirmProps) {
  const t = useT();
  const queryClient = useQueryClient();
  const terms = useCancelFreeHours(booking.tutorId, knownFreeHours === null);
  const late = isLateCancellation(booking, knownFreeHours ?? terms.data ?? null, now);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: schedulingKeys.bookings });
    void queryClient.invalidateQueries({ queryKey: [schedulingQueryRoot, 'slots'] });
  };
  // The card moves to "Past and cancelled" once the list refreshes, so the page says what happened.
  const cancel = useMutation({
    mutationFn: () => api.post<BookingView>(`/api/bookings/${encodeURIComponent(booking.id)}/cancel`),
    onSuccess: (b) => {
      onChanged?.(b.outcome === 'late_cancellation' ? t('booking.card.cancelledLate') : t('booking.card.cancelledDone'));
      refresh();
    },
  });
  const cancelSeries = useMutation({
    mutationFn: (seriesId: string) => api.post<{ seriesId: string; cancelled: BookingView[] }>(lessonPaths.cancelSeries(seriesId)),
    onSuccess: (r) => {
      onChanged?.(t('booking.card.seriesCancelled', { count: r.cancelled.length }));
      refresh();
    },
  });
  if (cancelSeries.data) {
    const n = cancelSeries.data.cancelled.length;
    return <Alert tone="success" title={t('booking.card.seriesCancelled', { count: n })} />;
  }
  if (cancel.data) {
    return (
      <Alert tone={cancel.data.outcome === 'late_cancellation' ? 'warning' : 'success'} title={t('booking.card.cancelled')}>
        {cancel.data.outcome === 'late_cancellation' && <p>{t('booking.card.wasLate')}</p>}
      </Alert>
    );
  }
  return (
    <div className="lesson-panel stack" data-testid="cancel-panel">
      {late === true && (
        <Alert tone="warning" title={t('booking.card.lateTitle')} testId="late-cancel-warning">
          <p>{t('booking.card.lateBody')}</p>
        </Alert>
      )}
      {late === null && <p className="muted">{t('booking.card.maybeLate')}</p>}
      {late === false && <p className="muted">{t('booking.card.free')}</p>}
      {(cancel.error ?? cancelSeries.error) && <Alert tone="error">{bookingErrorText(cancel.error ?? cancelSeries.error)}</Alert>}
      <div className="form-actions">
        <Button variant="danger" pending={cancel.isPending} pendingLabel={t('booking.card.cancelling')} disabled={cancelSeries.isPending} onClick={() => cancel.mutate()}>
          {late ? t('booking.card.cancelAnyway') : t('booking.card.confirmCancel')}
        </Button>
        {booking.seriesId && (
          <Button variant="danger" pending={cancelSeries.isPending} pendingLabel={t('booking.card.cancellingWeeks')} disabled={cancel.isPending} onClick={() => cancelSeries.mutate(booking.seriesId!)}>
            {t('booking.card.cancelSeries')}
          </Button>
        )}
        <Button variant="ghost" onClick={onDone}>
          {t('booking.card.keep')}
        </Button>
      </div>
    </div>
  );
}

export function LessonCard({ booking, viewerRole, viewerZone, cancelFreeHours, now, onChanged }: LessonCardProps) {
  const t = useT();
  const navigate = useNavigate();
  const openRoom = useOpenRoom();
  const [panel, setPanel] = useState<'none' | 'cancel' | 'reschedule'>('none');
  const phase = lessonPhase(booking, now);
  const status = lessonStatus(booking);
  const { opensAt } = roomWindow(booking);
  const other = otherParty(booking, viewerRole);
  const theirs = otherPartyClock(booking.start, viewerZone, other.zone);
  const title = t('booking.card.title', { name: other.name });
  const active = phase !== 'past';

  return (
    <li className={`lesson lesson-${phase}`} data-testid="lesson" aria-label={t('booking.card.label', { title, when: formatDateTime(booking.start, { zone: viewerZone }) })}>
      <div className="lesson-head">
        <div className="lesson-when">
          <p className="lesson-time">{formatDateTimeRange(booking.start, booking.end, { zone: viewerZone })}</p>
          <p className="lesson-title">{title}</p>
          {theirs && (
            <p className="muted lesson-theirs" title={zoneName(other.zone).title}>
              {viewerRole === 'student' ? t('booking.card.tutorClock', { time: theirs }) : t('booking.card.studentClock', { time: theirs })}
            </p>
          )}
        </div>
        <span className={`badge lesson-badge lesson-badge-${status.tone}`}>{status.text}</span>
      </div>
      {booking.priceMinor > 0 && <p className="muted lesson-price">{formatMoney(booking.priceMinor, booking.currency)}</p>}
      {booking.status === 'held' && viewerRole === 'student' && <HeldLessonPay booking={booking} now={now} />}

      {active && (
        <div className="lesson-actions">
          {phase === 'room_open' ? (
            <Button
              className="btn-large"
              block
              pending={openRoom.isPending}
              pendingLabel={t('booking.card.opening')}
              onClick={() => openRoom.mutate(booking.id, { onSuccess: (room) => void navigate(`/session/${room.sessionId}`) })}
            >
              {t('booking.card.join')}
            </Button>
          ) : opensAt - now <= DAY_MS ? (
            <div className="room-soon">
              <Button block disabled aria-describedby={`opens-${booking.id}`}>
                {t('booking.card.join')}
              </Button>
              <p className="muted" id={`opens-${booking.id}`}>
                {t('booking.card.opensAt', { time: formatTime(opensAt, { zone: viewerZone }), until: formatUntil(opensAt - now) })}
              </p>
            </div>
          ) : (
            // Days ahead, a disabled button would only shout; say when it will be there instead.
            <p className="muted room-later">
              {t('booking.card.opensLater', { time: formatTime(opensAt, { zone: viewerZone }), until: formatUntil(opensAt - now) })}
            </p>
          )}
          {openRoom.error && <Alert tone="error">{bookingErrorText(openRoom.error)}</Alert>}
          <div className="lesson-links">
            <a className="btn btn-secondary btn-small" href={lessonPaths.invite(booking.id)} download={`lesson-${booking.start.slice(0, 10)}.ics`}>
              {t('booking.card.calendar')}
            </a>
            {phase === 'upcoming' && (
              <Button variant="secondary" className="btn-small" aria-expanded={panel === 'reschedule'} onClick={() => setPanel(panel === 'reschedule' ? 'none' : 'reschedule')}>
                {t('booking.card.reschedule')}
              </Button>
            )}
            <Button variant="danger" className="btn-small" aria-expanded={panel === 'cancel'} onClick={() => setPanel(panel === 'cancel' ? 'none' : 'cancel')}>
              {t('booking.card.cancel')}
            </Button>
          </div>
          {panel === 'cancel' && <CancelConfirm booking={booking} knownFreeHours={cancelFreeHours} now={now} onDone={() => setPanel('none')} onChanged={onChanged} />}
          {panel === 'reschedule' && <Reschedule booking={booking} zone={viewerZone} onDone={() => setPanel('none')} onChanged={onChanged} />}
        </div>
      )}

      {!active && viewerRole === 'student' && (booking.status === 'completed' || booking.outcome === 'completed') && <ReviewForm bookingId={booking.id} tutorName={other.name} />}
    </li>
  );
}
