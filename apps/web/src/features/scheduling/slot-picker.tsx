import type { BookingView, LearnerSlotView, SlotsView } from '@tutorline/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { T, useT } from '../../i18n';
import { ApiError } from '../../lib/api';
import { formatMinutes, formatMoney, formatTimeRange } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { ZoneName } from '../../ui/zone-name';
import { ActiveHolds } from './active-holds';
import { bookingErrorText } from './booking-errors';
import { sessionLengthChoices } from './availability-draft';
import { newAttemptKey, postBooking, schedulingKeys, SlotTakenError } from './scheduling-queries';
import { HeldBookingPayment } from './booking-payment';
import { SeriesOption } from './series-option';
import { rememberBookingCourse, type CourseContext } from '../lti';
import { SlotChooser, useSlotRange } from './slot-chooser';
import { longDateLabel, mergeFreshSlots, offeredLengths } from './slot-format';
import './booking.css';

interface SlotPickerProps {
  tutorId: string;
  tutorName: string;
  tutorZone: string;
  /** The lesson lengths the tutor offers (from their public profile); only these are offered and fetched. */
  durations: readonly number[];
  /** What a lesson of each length costs, in `currency` (from the public profile), shown before booking. */
  prices: readonly { durationMinutes: number; priceMinor: number }[];
  currency: string;
  /** The learner's zone: slots are listed on their clock. */
  zone: string;
  /** Whether the viewer may book (a student with consent); others see the slots only. */
  canBook: boolean;
  /** Why not, shown in place of the Book button. */
  cannotBookReason?: ReactNode;
  /** What the lesson is in, sent with the booking (recommendations learn a lesson's subject from it, #17). */
  subject?: { id: string; level: string } | undefined;
  /** The LMS course the learner came from (#16): sent with the booking, which the server tags with it atomically. */
  course?: string | undefined;
  /** The lesson length the course item set (?minutes=), chosen first when the tutor offers it. */
  initialMinutes?: number | undefined;
}

/** A network failure may or may not have reached the server; any answer from it ends the attempt. */
export const isNetworkFailure = (error: unknown) => error instanceof ApiError && error.status === 0;

/** Length, day, time, then one booking (or a weekly series). */
export function SlotPicker({ tutorId, tutorName, tutorZone, durations, prices, currency, zone, canBook, cannotBookReason, subject, course, initialMinutes }: SlotPickerProps) {
  const t = useT();
  const queryClient = useQueryClient();
  const range = useSlotRange(zone);
  // Only the lengths the tutor offers; the slot list asks for the chosen one alone.
  const { choices, preferred } = offeredLengths(durations, sessionLengthChoices);
  const [chosen, setChosen] = useState<number | null>(() => (initialMinutes !== undefined && choices.includes(initialMinutes) ? initialMinutes : null));
  const duration = chosen ?? preferred;
  const setDuration = (m: number) => setChosen(m);
  const [picked, setPicked] = useState<LearnerSlotView | null>(null);
  const [weekly, setWeekly] = useState(false);
  const [booked, setBooked] = useState<{ booking: BookingView; slot: LearnerSlotView } | null>(null);
  // Holds this page booked and already shows with their Pay button; the server's list shows the others.
  const [shownHolds, setShownHolds] = useState<string[]>([]);
  const priceOf = (minutes: number) => {
    const price = prices.find((p) => p.durationMinutes === minutes);
    return price && price.priceMinor > 0 ? formatMoney(price.priceMinor, currency) : null;
  };
  // One key per booking attempt (this slot, this length): resending after a dropped connection books at most once.
  const [attemptKey, setAttemptKey] = useState<string>(() => newAttemptKey());
  const newAttempt = () => setAttemptKey(newAttemptKey());
  // The course context the pages after paying need to book again in the same course.
  const courseCtx: CourseContext = course ? { course, minutes: duration, ...(subject ? { subject: subject.id, level: subject.level } : {}) } : {};

  const book = useMutation({
    mutationFn: (slot: LearnerSlotView) => postBooking({ tutorId, start: slot.start, durationMinutes: duration, idempotencyKey: attemptKey, ...(subject ? { subject } : {}), ...(course ? { course } : {}) }),
    onSuccess: (booking, slot) => {
      newAttempt();
      rememberBookingCourse([booking.id], courseCtx);
      setBooked({ booking, slot });
      if (booking.status === 'held') setShownHolds((ids) => [...ids, booking.id]);
      void queryClient.invalidateQueries({ queryKey: schedulingKeys.bookings });
      void queryClient.invalidateQueries({ queryKey: schedulingKeys.holds(tutorId) });
      void queryClient.invalidateQueries({ queryKey: schedulingKeys.slotsOf(tutorId) });
    },
    onError: (error, slot) => {
      if (!isNetworkFailure(error)) newAttempt();
      if (error instanceof SlotTakenError) {
        queryClient.setQueryData<SlotsView>(schedulingKeys.slots(tutorId, range.from, range.to, duration, zone), (old) =>
          old ? { ...old, slots: mergeFreshSlots(old.slots, slot, error.slots) } : old,
        );
        setPicked(null);
      }
    },
  });

  const pick = (slot: LearnerSlotView | null) => {
    if (book.isPending) return;
    if (slot?.start !== picked?.start) newAttempt();
    // Keep the length the slot was picked in, even if the default would change as the other lengths load.
    if (slot && chosen === null) setChosen(duration);
    book.reset();
    setPicked(slot);
  };

  // A priced lesson with payments on comes back held: pay to confirm it (booking-payment.tsx).
  if (booked?.booking.status === 'held') return <HeldBookingPayment booking={booked.booking} zone={zone} tutorName={tutorName} />;
  if (booked) {
    const s = booked.slot;
    return (
      <section className="card booked" data-testid="booking-confirmed" aria-labelledby="booked-title">
        <Alert tone="success" title={<span id="booked-title">{t('booking.pick.booked')}</span>}>
          <p>{t('booking.pick.bookedBody', { date: longDateLabel(s.learnerLocal.date), time: formatTimeRange(s.start, s.end, { zone }), name: tutorName })}</p>
        </Alert>
        <div className="form-actions">
          <Link className="btn btn-primary" to="/lessons">
            {t('booking.seeLessons')}
          </Link>
          <Button
            variant="secondary"
            onClick={() => {
              setBooked(null);
              setPicked(null);
              book.reset();
            }}
          >
            {t('booking.pick.another')}
          </Button>
        </div>
      </section>
    );
  }

  return (
    <section className="card slot-picker" aria-labelledby="slots-title" data-testid="slot-picker">
      <div className="card-intro">
        <h2 id="slots-title">{t('booking.pick.title')}</h2>
        <p className="muted">
          <T id="booking.pick.zones" values={{ name: tutorName }} components={{ 0: <ZoneName zone={zone} />, 1: <ZoneName zone={tutorZone} /> }} />
        </p>
        {choices.length === 1 && priceOf(choices[0]!) && (
          <p className="slot-price" data-testid="lesson-price">
            <T id="booking.pick.lessonPrice" values={{ length: formatMinutes(choices[0]!), price: priceOf(choices[0]!) }} components={{ 0: <strong /> }} />
          </p>
        )}
      </div>
      {canBook && <ActiveHolds tutorId={tutorId} zone={zone} hide={shownHolds} />}

      {choices.length > 1 && (
        <div className="segmented" role="group" aria-label={t('booking.pick.length')}>
          {choices.map((m) => (
            <button
              key={m}
              type="button"
              className="segment"
              aria-pressed={m === duration}
              onClick={() => {
                setDuration(m);
                pick(null);
              }}
            >
              <span className="segment-label">{formatMinutes(m)}</span>
              {priceOf(m) && (
                <span className="segment-price" data-testid="lesson-price">
                  {priceOf(m)}
                </span>
              )}
            </button>
          ))}
        </div>
      )}

      {choices.length === 0 ? (
        <div className="empty">
          <p className="empty-title">{t('booking.pick.noHoursTitle')}</p>
          <p>{t('booking.pick.noHoursBody', { name: tutorName })}</p>
        </div>
      ) : (
        <SlotChooser
          tutorId={tutorId}
          zone={zone}
          duration={duration}
          range={range}
          picked={picked}
          onPick={pick}
          notice={
            book.error instanceof SlotTakenError && (
              <Alert tone="warning" testId="slot-taken">
                <p>{t('booking.error.conflict')}</p>
              </Alert>
            )
          }
        />
      )}

      {picked && (
        <div className="book-box" data-testid="book-box">
          <p className="book-summary">
            <T
              id="booking.pick.yourTime"
              values={{ date: longDateLabel(picked.learnerLocal.date), time: formatTimeRange(picked.start, picked.end, { zone }) }}
              components={{ 0: <strong /> }}
            />
            <br />
            <span className="muted">
              <T
                id={picked.dayDifference !== 0 ? 'booking.pick.tutorTimeDay' : 'booking.pick.tutorTime'}
                values={{ name: tutorName, time: formatTimeRange(picked.start, picked.end, { zone: tutorZone }), date: longDateLabel(picked.tutorLocal.date) }}
                components={{ 0: <ZoneName zone={tutorZone} /> }}
              />
            </span>
            {priceOf(duration) && (
              <>
                <br />
                <T id="booking.pick.price" values={{ price: priceOf(duration) }} components={{ 0: <strong data-testid="book-price" /> }} />
              </>
            )}
          </p>
          {canBook && (
            <label className="check">
              <input type="checkbox" checked={weekly} onChange={(e) => setWeekly(e.target.checked)} />
              <span>{t('booking.pick.weekly')}</span>
            </label>
          )}
          {weekly && canBook ? (
            <SeriesOption
              key={`${picked.start}-${duration}`}
              tutorId={tutorId}
              slot={picked}
              duration={duration}
              zone={zone}
              course={courseCtx}
              onHeld={(ids) => setShownHolds((shown) => [...shown, ...ids])}
              onBooked={() => setPicked(null)}
            />
          ) : canBook ? (
            <>
              {book.error && !(book.error instanceof SlotTakenError) && (
                <Alert tone="error" testId="booking-error">
                  <p>{bookingErrorText(book.error)}</p>
                  {isNetworkFailure(book.error) && <p>{t('booking.pick.retryNote')}</p>}
                </Alert>
              )}
              <Button className="btn-large" block pending={book.isPending} pendingLabel={t('booking.pick.booking')} onClick={() => book.mutate(picked)}>
                {t('booking.pick.book', { minutes: duration })}
              </Button>
            </>
          ) : (
            cannotBookReason
          )}
        </div>
      )}
    </section>
  );
}
