import { useMe } from '../features/auth';
import { FindTutors } from '../features/tutors';
import { usePageTitle } from '../lib/page-title';
import { detectTimeZone } from '../lib/time-zones';
import { PageLoading } from '../ui/page-states';

/** Public: visitors browse tutors before signing up; students can also keep favourites. */
export function FindTutorsPage() {
  usePageTitle('Find a tutor');
  const me = useMe();
  return (
    <section className="page page-medium" data-testid="find-tutors" aria-labelledby="find-title">
      <div className="page-intro">
        <h1 id="find-title">Find a tutor</h1>
        <p className="lead">Book a 1-on-1 lesson at a time that suits you.</p>
      </div>
      {me.isPending ? <PageLoading /> : <FindTutors zone={me.data?.timeZone ?? detectTimeZone()} isStudent={me.data?.role === 'student'} />}
    </section>
  );
}
