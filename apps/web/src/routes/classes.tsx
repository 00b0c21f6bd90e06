import { Link } from 'react-router';
import { useMe } from '../features/auth';
import { ClassList } from '../features/classes';
import { usePageTitle } from '../lib/page-title';
import { detectTimeZone } from '../lib/time-zones';
import { PageLoading } from '../ui/page-states';
import { ZoneName } from '../ui/zone-name';

/** Public: upcoming group classes; enrolling needs a learner account. */
export function ClassesPage() {
  usePageTitle('Classes');
  const me = useMe();
  const zone = me.data?.timeZone ?? detectTimeZone();
  return (
    <section className="page page-medium" data-testid="classes-page" aria-labelledby="classes-title">
      <div className="page-intro">
        <h1 id="classes-title">Group classes</h1>
        <p className="lead">
          Learn with others, live. Times are in your zone, <ZoneName zone={zone} />.
        </p>
        {me.data?.role === 'tutor' && (
          <p>
            <Link to="/tutor/classes">Your classes and a new one →</Link>
          </p>
        )}
      </div>
      {me.isPending ? <PageLoading /> : <ClassList zone={zone} />}
    </section>
  );
}
