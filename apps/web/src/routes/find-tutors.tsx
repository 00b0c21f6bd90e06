import { useMe } from '../features/auth';
import { FindTutors } from '../features/tutors';
import { useT } from '../i18n';
import { usePageTitle } from '../lib/page-title';
import { detectTimeZone } from '../lib/time-zones';
import { PageLoading } from '../ui/page-states';

/** Public: visitors browse tutors before signing up; students can also keep favourites. */
export function FindTutorsPage() {
  const t = useT();
  usePageTitle(t('booking.find.title'));
  const me = useMe();
  return (
    <section className="page page-medium" data-testid="find-tutors" aria-labelledby="find-title">
      <div className="page-intro">
        <h1 id="find-title">{t('booking.find.title')}</h1>
        <p className="lead">{t('booking.find.lead')}</p>
      </div>
      {me.isPending ? <PageLoading /> : <FindTutors zone={me.data?.timeZone ?? detectTimeZone()} isStudent={me.data?.role === 'student'} />}
    </section>
  );
}
