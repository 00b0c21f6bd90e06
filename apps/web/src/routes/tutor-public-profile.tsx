import { useEffect } from 'react';
import { Link, useParams } from 'react-router';
import { useMe } from '../features/auth';
import { useT } from '../i18n';
import { AlsoBooked, recordProfileView } from '../features/recommendations';
import { TutorProfileView, useTutorProfile } from '../features/tutors';
import { ApiError } from '../lib/api';
import { usePageTitle } from '../lib/page-title';
import { detectTimeZone } from '../lib/time-zones';
import { PageError, PageLoading } from '../ui/page-states';

/** Public: a tutor's profile and free times; booking needs a student account. */
export function TutorPublicProfilePage() {
  const { id = '' } = useParams();
  const me = useMe();
  const t = useT();
  const tutor = useTutorProfile(id);
  usePageTitle(tutor.data?.displayName ?? t('booking.profile.titleFallback'));
  const viewerIsStudent = me.data?.role === 'student';
  const found = tutor.data?.id;
  // A student's view, if a booking follows, teaches the recommendations (#17).
  useEffect(() => {
    if (viewerIsStudent && found) recordProfileView(found);
  }, [viewerIsStudent, found]);
  if (tutor.isPending || me.isPending) return <PageLoading label={t('booking.profile.loading')} />;
  if (tutor.isError) {
    if (tutor.error instanceof ApiError && tutor.error.status === 404) {
      return (
        <section className="page page-narrow" data-testid="tutor-not-found">
          <div className="card card-center">
            <h1>{t('booking.profile.notFound')}</h1>
            <p>{t('booking.profile.notFoundBody')}</p>
            <Link className="btn btn-primary" to="/tutors">
              {t('booking.find.title')}
            </Link>
          </div>
        </section>
      );
    }
    return <PageError error={tutor.error} onRetry={() => void tutor.refetch()} />;
  }
  return (
    <section className="page page-medium" data-testid="tutor-profile">
      <Link className="back-link" to="/tutors">
        {t('booking.profile.allTutors')}
      </Link>
      <TutorProfileView tutor={tutor.data} me={me.data ?? null} zone={me.data?.timeZone ?? detectTimeZone()} />
      <AlsoBooked tutorId={tutor.data.id} />
    </section>
  );
}
