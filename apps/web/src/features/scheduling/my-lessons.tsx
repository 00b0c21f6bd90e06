import type { Me, MyBookingView } from '@tutorline/contracts';
import { useState } from 'react';
import { Link } from 'react-router';
import { T, useT } from '../../i18n';
import { useNow } from '../../lib/use-now';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { PageError, PageLoading } from '../../ui/page-states';
import { LessonCard } from './lesson-card';
import { splitLessons } from './lesson-times';
import { useMyAvailability, useMyBookings } from './scheduling-queries';
import './lessons.css';

interface MyLessonsProps {
  me: Me;
}

const PAST_SHOWN = 10;

/** Upcoming lessons (with Join, Reschedule, Cancel, Add to calendar) and past ones (with Review), in the viewer's zone. */
export function MyLessons({ me }: MyLessonsProps) {
  const t = useT();
  const bookings = useMyBookings();
  const isTutor = me.role === 'tutor';
  const policy = useMyAvailability(isTutor);
  // Every 15 s is enough for "Join room" to light up within a few seconds of the room opening.
  const now = useNow(15_000);
  const [pastShown, setPastShown] = useState(PAST_SHOWN);
  const [message, setMessage] = useState<string | null>(null);
  if (bookings.isPending) return <PageLoading label={t('booking.lessons.loading')} />;
  if (bookings.isError) return <PageError error={bookings.error} onRetry={() => void bookings.refetch()} />;

  const { upcoming, past } = splitLessons(bookings.data, now);
  const role = isTutor ? 'tutor' : 'student';
  // Each booking names the other party; a tutor knows their own cancellation window, a student's card asks when needed.
  const freeHours = isTutor ? (policy.data?.cancelFreeHours ?? null) : null;
  const card = (b: MyBookingView) => <LessonCard key={b.id} booking={b} viewerRole={role} viewerZone={me.timeZone} cancelFreeHours={freeHours} now={now} onChanged={setMessage} />;

  return (
    <>
      {message && <Alert tone="success" testId="lessons-message">{message}</Alert>}
      <section className="stack" aria-labelledby="upcoming-title">
        <h2 id="upcoming-title">{t('booking.lessons.upcoming')}</h2>
        {upcoming.length === 0 ? (
          <div className="empty">
            <p className="empty-title">{t('booking.lessons.none')}</p>
            {isTutor ? (
              <p>
                <T id="booking.lessons.noneTutor" components={{ 0: <Link to="/tutor/availability" /> }} />
              </p>
            ) : (
              <p>
                <T id="booking.lessons.noneStudent" components={{ 0: <Link to="/tutors" /> }} />
              </p>
            )}
          </div>
        ) : (
          <ul className="lessons">{upcoming.map(card)}</ul>
        )}
      </section>
      {past.length > 0 && (
        <section className="stack" aria-labelledby="past-title">
          <h2 id="past-title">{t('booking.lessons.past')}</h2>
          <ul className="lessons">{past.slice(0, pastShown).map(card)}</ul>
          {past.length > pastShown && (
            <Button variant="secondary" block onClick={() => setPastShown((n) => n + PAST_SHOWN)}>
              {t('booking.lessons.more')}
            </Button>
          )}
        </section>
      )}
    </>
  );
}
