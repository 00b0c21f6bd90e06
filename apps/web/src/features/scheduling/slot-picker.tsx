import type { BookingView, LearnerSlotView, SlotsView } from '@tutorline/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { ApiError, errorMessage } from '../../lib/api';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { sessionLengthChoices } from './availability-draft';
import { newAttemptKey, postBooking, schedulingKeys, SlotTakenError } from './scheduling-queries';
import { HeldBookingPayment } from './booking-payment';
import { SeriesOption } from './series-option';
import { SlotChooser, useSlotRange } from './slot-chooser';
import { longDateLabel, mergeFreshSlots, offeredLengths } from './slot-format';

interface SlotPickerProps {
  tutorId: string;
  tutorName: string;
  tutorZone: string;
  /** The lesson lengths the tutor offers (from their public profile); only these are offered and fetched. */
  durations: readonly number[];
  /** The learner's zone: slots are listed on their clock. */
  zone: string;
  /** Whether the viewer may book (a student with consent); others see the slots only. */
  canBook: boolean;
  /** Why not, shown in place of the Book button. */
  cannotBookReason?: ReactNode;
}

/** A network failure may or may not have reached the server; any answer from it ends the attempt. */
export const isNetworkFailure = (error: unknown) => error instanceof ApiError && error.status === 0;

/** Length, day, time, then one booking (or a weekly series). */
export function SlotPicker({ tutorId, tutorName, tutorZone, durations, zone, canBook, cannotBookReason }: SlotPickerProps) {
  const queryClient = useQueryClient();
  const range = useSlotRange(zone);
  const [chosen, setChosen] = useState<number | null>(null);
  // Only the lengths the tutor offers; the slot list asks for the chosen one alone.
  const { choices, preferred } = offeredLengths(durations, sessionLengthChoices);
  const duration = chosen ?? preferred;
  const setDuration = (m: number) => setChosen(m);
  const [picked, setPicked] = useState<LearnerSlotView | null>(null);
  const [weekly, setWeekly] = useState(false);
  const [booked, setBooked] = useState<{ booking: BookingView; slot: LearnerSlotView } | null>(null);
  // One key per booking attempt (this slot, this length): resending after a dropped connection books at most once.
  const [attemptKey, setAttemptKey] = useState<string>(() => newAttemptKey());
  const newAttempt = () => setAttemptKey(newAttemptKey());

  const book = useMutation({
    mutationFn: (slot: LearnerSlotView) => postBooking({ tutorId, start: slot.start, durationMinutes: duration, idempotencyKey: attemptKey }),
    onSuccess: (booking, slot) => {
      newAttempt();
      setBooked({ booking, slot });
      void queryClient.invalidateQueries({ queryKey: schedulingKeys.bookings });
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
        <Alert tone="success" title={<span id="booked-title">Lesson booked</span>}>
          <p>
            {longDateLabel(s.learnerLocal.date)}, {s.learnerLocal.start}–{s.learnerLocal.end} your time, with {tutorName}.
          </p>
        </Alert>
        <div className="form-actions">
          <Link className="btn btn-primary" to="/lessons">
            See my lessons
          </Link>
          <Button
            variant="secondary"
            onClick={() => {
              setBooked(null);
              setPicked(null);
              book.reset();
            }}
          >
            Book another
          </Button>
        </div>
      </section>
    );
  }

  return (
    <section className="card slot-picker" aria-labelledby="slots-title" data-testid="slot-picker">
      <div className="card-intro">
        <h2 id="slots-title">Book a lesson</h2>
        <p className="muted">
          Big: your time ({zone}). Small: {tutorName}’s time ({tutorZone}).
        </p>
      </div>

      {choices.length > 1 && (
        <div className="segmented" role="group" aria-label="Lesson length">
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
              {m} min
            </button>
          ))}
        </div>
      )}

      {choices.length === 0 ? (
        <div className="empty">
          <p className="empty-title">No lesson times published yet</p>
          <p>{tutorName} has not set the hours learners can book. Check back later.</p>
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
                <p>{book.error.message}</p>
              </Alert>
            )
          }
        />
      )}

      {picked && (
        <div className="book-box" data-testid="book-box">
          <p className="book-summary">
            <strong>
              {longDateLabel(picked.learnerLocal.date)}, {picked.learnerLocal.start}–{picked.learnerLocal.end}
            </strong>{' '}
            your time
            <br />
            <span className="muted">
              {tutorName}: {picked.tutorLocal.start}–{picked.tutorLocal.end}
              {picked.dayDifference !== 0 ? `, ${longDateLabel(picked.tutorLocal.date)}` : ''} ({tutorZone})
            </span>
          </p>
          {canBook && (
            <label className="check">
              <input type="checkbox" checked={weekly} onChange={(e) => setWeekly(e.target.checked)} />
              <span>Repeat weekly</span>
            </label>
          )}
          {weekly && canBook ? (
            <SeriesOption key={`${picked.start}-${duration}`} tutorId={tutorId} slot={picked} duration={duration} zone={zone} onBooked={() => setPicked(null)} />
          ) : canBook ? (
            <>
              {book.error && !(book.error instanceof SlotTakenError) && (
                <Alert tone="error" testId="booking-error">
                  <p>{errorMessage(book.error)}</p>
                  {isNetworkFailure(book.error) && <p>Press Book again: if the first try got through, you will not be booked twice.</p>}
                </Alert>
              )}
              <Button className="btn-large" block pending={book.isPending} pendingLabel="Booking…" onClick={() => book.mutate(picked)}>
                Book {duration}-minute lesson
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
