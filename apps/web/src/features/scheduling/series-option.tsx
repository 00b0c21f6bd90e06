import type { LearnerSlotView, SeriesPreviewView, SeriesResultView } from '@tutorline/contracts';
import { SERIES_WEEKS } from '@tutorline/contracts/plain';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, ApiError, errorMessage } from '../../lib/api';
import { formatTime, plural } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { SelectField } from '../../ui/field';
import { rememberBookingCourse, type CourseContext } from '../lti';
import { HeldBookingPayment } from './booking-payment';
import { newAttemptKey, schedulingKeys, schedulingQueryRoot } from './scheduling-queries';
import { dayLabel, weekdayLabel } from './slot-format';
import './booking.css';

export const seriesPaths = {
  preview: (tutorId: string, q: { start: string; duration: number; weeks: number; zone: string }) =>
    `/api/tutors/${encodeURIComponent(tutorId)}/series-preview?${new URLSearchParams({ start: q.start, duration: String(q.duration), weeks: String(q.weeks), zone: q.zone }).toString()}`,
  book: '/api/bookings/series',
};

const problemText: Record<string, string> = {
  too_soon: 'too soon',
  beyond_horizon: 'too far ahead',
  outside_availability: 'tutor not available',
  duration_not_offered: 'length not offered',
  day_full: 'tutor fully booked',
  conflict: 'already taken',
};

const weekChoices = Array.from({ length: SERIES_WEEKS.max - SERIES_WEEKS.min + 1 }, (_, i) => SERIES_WEEKS.min + i);

/** "Repeat weekly for N weeks": the per-week preview (with daylight-saving warnings first), then one series booking. */
export function SeriesOption({
  tutorId,
  slot,
  duration,
  zone,
  course = {},
  onHeld,
  onBooked,
}: {
  tutorId: string;
  slot: LearnerSlotView;
  duration: number;
  zone: string;
  /** The LMS course the learner came from (#16): every week is tagged with it, like a single booking. */
  course?: CourseContext;
  onHeld?: (ids: string[]) => void;
  onBooked?: () => void;
}) {
  const queryClient = useQueryClient();
  const [weeks, setWeeks] = useState(4);
  const [attemptKey, setAttemptKey] = useState(() => newAttemptKey());
  const preview = useQuery({
    queryKey: [schedulingQueryRoot, 'series-preview', tutorId, slot.start, duration, weeks, zone],
    queryFn: () => api.get<SeriesPreviewView>(seriesPaths.preview(tutorId, { start: slot.start, duration, weeks, zone })),
    placeholderData: keepPreviousData,
  });
  const book = useMutation({
    mutationFn: () => api.post<SeriesResultView>(seriesPaths.book, { tutorId, start: slot.start, durationMinutes: duration, weeks, idempotencyKey: attemptKey, ...(course.course ? { course: course.course } : {}) }),
    onSuccess: (result) => {
      setAttemptKey(newAttemptKey());
      rememberBookingCourse(result.booked.map((b) => b.id), course);
      onHeld?.(result.booked.filter((b) => b.status === 'held').map((b) => b.id));
      void queryClient.invalidateQueries({ queryKey: schedulingKeys.bookings });
      void queryClient.invalidateQueries({ queryKey: schedulingKeys.holds(tutorId) });
      void queryClient.invalidateQueries({ queryKey: schedulingKeys.slotsOf(tutorId) });
    },
    onError: (error) => {
      if (!(error instanceof ApiError && error.status === 0)) setAttemptKey(newAttemptKey());
    },
  });

  if (book.data) {
    return (
      <div className="stack" data-testid="series-booked">
        <Alert tone="success" title={plural(book.data.booked.length, { one: '# weekly lesson booked', other: '# weekly lessons booked' })}>
          {book.data.skipped.length > 0 && (
            <>
              <p>These weeks could not be booked:</p>
              <ul>
                {book.data.skipped.map((s) => (
                  <li key={s.start}>{s.message}</li>
                ))}
              </ul>
            </>
          )}
        </Alert>
        {book.data.booked.some((b) => b.status === 'held') && <HeldBookingPayment booking={book.data.booked.find((b) => b.status === 'held')!} weeks={book.data.booked.filter((b) => b.status === 'held')} zone={zone} tutorName="the tutor" />}
        <div className="form-actions">
          <Link className="btn btn-primary" to="/lessons">
            See my lessons
          </Link>
          <Button variant="secondary" onClick={onBooked}>
            Done
          </Button>
        </div>
      </div>
    );
  }

  const occurrences = preview.data?.occurrences ?? [];
  const bookable = occurrences.filter((o) => o.bookable).length;
  return (
    <div className="stack series" data-testid="series-option">
      <SelectField
        label="Number of weeks"
        value={weeks}
        onChange={(e) => {
          setWeeks(Number(e.target.value));
          setAttemptKey(newAttemptKey());
          book.reset();
        }}
      >
        {weekChoices.map((w) => (
          <option key={w} value={w}>
            {plural(w, { one: '# week', other: '# weeks' })}
          </option>
        ))}
      </SelectField>
      {preview.isPending && (
        <p className="muted" role="status">
          <span className="spinner" aria-hidden="true" /> Checking each week…
        </p>
      )}
      {preview.isError && <Alert tone="error">{errorMessage(preview.error)}</Alert>}
      {preview.data && (
        <>
          {preview.data.warnings.length > 0 && (
            <Alert tone="warning" title="The clocks change during these weeks" testId="dst-warning">
              <ul>
                {preview.data.warnings.map((w) => (
                  <li key={w.start}>{w.message}</li>
                ))}
              </ul>
            </Alert>
          )}
          <ul className="occurrences" aria-label="Weeks" aria-busy={preview.isFetching || undefined}>
            {occurrences.map((o) => {
              const shifted = preview.data.warnings.some((w) => w.start === o.start);
              return (
                <li key={o.start} className={`occurrence${o.bookable ? '' : ' occurrence-off'}${shifted ? ' occurrence-shift' : ''}`}>
                  <span className="occurrence-mark" aria-hidden="true">
                    {o.bookable ? '✓' : '✕'}
                  </span>
                  <span className="occurrence-when">
                    {dayLabel(o.learnerLocal.date)}, {formatTime(o.start, { zone: preview.data.learnerTimeZone })}
                    <span className="muted occurrence-tutor">
                      tutor {formatTime(o.start, { zone: preview.data.tutorTimeZone })}
                      {o.tutorLocal.date !== o.learnerLocal.date ? ` ${weekdayLabel(o.tutorLocal.date)}` : ''}
                    </span>
                  </span>
                  <span className={o.bookable ? 'occurrence-ok' : 'occurrence-problem'}>{o.bookable ? 'free' : (problemText[o.problem ?? ''] ?? 'unavailable')}</span>
                </li>
              );
            })}
          </ul>
          {book.error && <Alert tone="error">{errorMessage(book.error)}</Alert>}
          <Button className="btn-large" block disabled={bookable === 0} pending={book.isPending} pendingLabel="Booking weeks…" onClick={() => book.mutate()}>
            {bookable === occurrences.length ? plural(bookable, { one: 'Book # week', other: 'Book all # weeks' }) : plural(bookable, { one: 'Book the # free week', other: 'Book the # free weeks' })}
          </Button>
        </>
      )}
    </div>
  );
}
