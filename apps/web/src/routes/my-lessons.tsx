import type { Me } from '@tutorline/contracts';
import { Link } from 'react-router';
import { RequireRole, roleHome } from '../features/auth';
import { CalendarFeed, MyLessons, NoticesPanel } from '../features/scheduling';
import { T, useT } from '../i18n';
import { usePageTitle } from '../lib/page-title';
import { ZoneName } from '../ui/zone-name';

export function MyLessonsPage() {
  return <RequireRole role={['student', 'tutor']}>{(me) => <MyLessonsScreen me={me} />}</RequireRole>;
}

function MyLessonsScreen({ me }: { me: Me }) {
  const t = useT();
  usePageTitle(t('booking.lessons.title'));
  return (
    <section className="page page-medium" data-testid="my-lessons" aria-labelledby="lessons-title">
      <Link className="back-link" to={roleHome(me.role)}>
        {t('booking.lessons.home')}
      </Link>
      <div className="page-intro">
        <h1 id="lessons-title">{t('booking.lessons.title')}</h1>
        <p className="lead">
          <T id="booking.lessons.zone" components={{ 0: <ZoneName zone={me.timeZone} /> }} />
        </p>
      </div>
      <MyLessons me={me} />
      <NoticesPanel />
      <CalendarFeed />
    </section>
  );
}
