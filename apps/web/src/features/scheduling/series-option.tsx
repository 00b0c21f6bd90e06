import type { LearnerSlotView, SeriesPreviewView, SeriesResultView } from '@tutorline/contracts';
import { SERIES_WEEKS } from '@tutorline/contracts/plain';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { translate, useT, type MessageKey } from '../../i18n';
import { api, ApiError } from '../../lib/api';
import { formatDateTime, formatTime } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { SelectField } from '../../ui/field';
import { rememberBookingCourse, type CourseContext } from '../lti';
import { bookingErrorText } from './booking-errors';
import { HeldBookingPayment } from './booking-payment';
import { newAttemptKey, schedulingKeys, schedulingQueryRoot } from './scheduling-queries';
import { dateInZone, dayLabel, weekdayLabel } from './slot-format';
import './booking.css';

export const seriesPaths = {
  preview: (tutorId: string, q: { start: string; duration: number; weeks: number; zone: string }) =>
    `/api/tutors/${encodeURIComponent(tutorId)}/series-preview?${new URLSearchParams({ start: q.start, duration: String(q.duration), weeks: String(q.weeks), zone: q.zone }).toString()}`,
  book: '/api/bookings/series',
};

const problemKeys: Record<string, MessageKey> = {
  too_soon: 'booking.series.tooSoon',
  beyond_horizon: 'booking.series.tooFar',
  outside_availability: 'booking.series.notAvailable',
  duration_not_offered: 'booking.series.lengthNotOffered',
  day_full: 'booking.series.dayFull',
  conflict: 'booking.series.taken',
};

/** Why a week cannot be booked, by the server's reason code. */
const problemText = (problem: string | null | undefined) => translate(problemKeys[problem ?? ''] ?? 'booking.series.unavailable');

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
  const t = useT();
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
        <Alert tone="success" title={t('booking.series.booked', { count: book.data.booked.length })}>
          {book.data.skipped.length > 0 && (
            <>
              <p>{t('booking.series.skipped')}</p>
              <ul>
                {book.data.skipped.map((s) => (
                  <li key={s.start}>{t('booking.series.skippedWeek', { when: formatDateTime(s.start, { zone }), problem: problemText(s.reason) })}</li>
                ))}
              </ul>
            </>
          )}
        </Alert>
        {book.data.booked.some((b) => b.status === 'held') && <HeldBookingPayment booking={book.data.booked.find((b) => b.status === 'held')!} weeks={book.data.booked.filter((b) => b.status === 'held')} zone={zone} tutorName={t('booking.series.theTutor')} />}
        <div className="form-actions">
          <Link className="btn btn-primary" to="/lessons">
            {t('booking.seeLessons')}
          </Link>
          <Button variant="secondary" onClick={onBooked}>
            {t('booking.series.done')}
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
        label={t('booking.series.weeks')}
        value={weeks}
        onChange={(e) => {
          setWeeks(Number(e.target.value));
          setAttemptKey(newAttemptKey());
          book.reset();
        }}
      >
        {weekChoices.map((w) => (
          <option key={w} value={w}>
            {t('booking.series.weekCount', { count: w })}
          </option>
        ))}
      </SelectField>
      {preview.isPending && (
        <p className="muted" role="status">
          <span className="spinner" aria-hidden="true" /> {t('booking.series.checking')}
        </p>
      )}
      {preview.isError && <Alert tone="error">{bookingErrorText(preview.error)}</Alert>}
      {preview.data && (
        <>
          {preview.data.warnings.length > 0 && (
            <Alert tone="warning" title={t('booking.series.dstTitle')} testId="dst-warning">
              <ul>
                {preview.data.warnings.map((w) => (
                  <li key={w.start}>
                    {t('booking.series.dstWeek', {
                      date: dayLabel(dateInZone(Date.parse(w.start), preview.data.learnerTimeZone)),
                      time: formatTime(w.start, { zone: preview.data.learnerTimeZone }),
                      usual: occurrences[0] ? formatTime(occurrences[0].start, { zone: preview.data.learnerTimeZone }) : '',
                      tutorZone: preview.data.tutorTimeZone,
                      yourZone: preview.data.learnerTimeZone,
                    })}
                  </li>
                ))}
              </ul>
            </Alert>
          )}
          <ul className="occurrences" aria-label={t('booking.series.weeksList')} aria-busy={preview.isFetching || undefined}>
            {occurrences.map((o) => {
              const shifted = preview.data.warnings.some((w) => w.start === o.start);
              return (
                <li key={o.start} className={`occurrence${o.bookable ? '' : ' occurrence-off'}${shifted ? ' occurrence-shift' : ''}`}>
                  <span className="occurrence-mark" aria-hidden="true">
                    {o.bookable ? '✓' : '✕'}
                  </span>
                  <span className="occurrence-when">
                    {t('booking.series.when', { day: dayLabel(o.learnerLocal.date), time: formatTime(o.start, { zone: preview.data.learnerTimeZone }) })}
                    <span className="muted occurrence-tutor">
                      {t('booking.slot.tutorClock', {
                        time:
                          o.tutorLocal.date !== o.learnerLocal.date
                            ? t('booking.slot.timeOnDay', { time: formatTime(o.start, { zone: preview.data.tutorTimeZone }), day: weekdayLabel(o.tutorLocal.date) })
                            : formatTime(o.start, { zone: preview.data.tutorTimeZone }),
                      })}
                    </span>
                  </span>
                  <span className={o.bookable ? 'occurrence-ok' : 'occurrence-problem'}>{o.bookable ? t('booking.series.free') : problemText(o.problem)}</span>
                </li>
              );
            })}
          </ul>
          {book.error && <Alert tone="error">{bookingErrorText(book.error)}</Alert>}
          <Button className="btn-large" block disabled={bookable === 0} pending={book.isPending} pendingLabel={t('booking.series.booking')} onClick={() => book.mutate()}>
            {bookable === occurrences.length ? t('booking.series.bookAll', { count: bookable }) : t('booking.series.bookFree', { count: bookable })}
          </Button>
        </>
      )}
    </div>
  );
}
