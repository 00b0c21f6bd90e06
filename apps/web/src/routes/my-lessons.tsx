import type { BookingView, Me } from '@tutorline/contracts';
import { useMemo } from 'react';
import { Link } from 'react-router';
import { RequireRole, roleHome } from '../features/auth';
import { CalendarFeed, MyLessons, NoticesPanel, useMyBookings } from '../features/scheduling';
import { useTutorProfiles } from '../features/tutors';
import { usePageTitle } from '../lib/page-title';
import { timeZoneLabel } from '../lib/time-zones';

export function MyLessonsPage() {
  return <RequireRole role={['student', 'tutor']}>{(me) => <MyLessonsScreen me={me} />}</RequireRole>;
}

function MyLessonsScreen({ me }: { me: Me }) {
  usePageTitle('My lessons');
  const bookings = useMyBookings();
  const tutorIds = useMemo(() => (me.role === 'student' ? [...new Set((bookings.data ?? []).map((b) => b.tutorId))] : []), [bookings.data, me.role]);
  const tutors = useTutorProfiles(tutorIds);
  // Bookings do not carry the other party's name or zone; a student's tutors are public, a tutor's students are not.
  const partyOf = (b: BookingView) => {
    if (me.role === 'tutor') return { name: 'a student', zone: null };
    const t = tutors.get(b.tutorId);
    return { name: t?.displayName ?? 'your tutor', zone: t?.timeZone ?? null };
  };
  return (
    <section className="page page-medium" data-testid="my-lessons" aria-labelledby="lessons-title">
      <Link className="back-link" to={roleHome(me.role)}>
        ← Home
      </Link>
      <div className="page-intro">
        <h1 id="lessons-title">My lessons</h1>
        <p className="lead">Times in your zone: {timeZoneLabel(me.timeZone)}.</p>
      </div>
      <MyLessons me={me} partyOf={partyOf} />
      <NoticesPanel />
      <CalendarFeed />
    </section>
  );
}
