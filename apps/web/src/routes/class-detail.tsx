import { Link, useParams, useSearchParams } from 'react-router';
import { useMe } from '../features/auth';
import { ClassDetail, useClass } from '../features/classes';
import { ApiError } from '../lib/api';
import { usePageTitle } from '../lib/page-title';
import { detectTimeZone } from '../lib/time-zones';
import { useNow } from '../lib/use-now';
import { PageError, PageLoading } from '../ui/page-states';

/** Public: one class, with Enrol / Leave for learners and the roster and attendance for its tutor. */
export function ClassDetailPage() {
  const { id = '' } = useParams();
  const me = useMe();
  const zone = me.data?.timeZone ?? detectTimeZone();
  // Back from the payment page (?checkout=…): the seat is confirmed by the payment's job, so read it again until it is.
  const [params] = useSearchParams();
  const returning = params.has('checkout') && !params.has('cancelled');
  const c = useClass(id, zone, returning);
  const now = useNow(30_000);
  usePageTitle(c.data?.title ?? 'Class');
  if (c.isPending || me.isPending) return <PageLoading label="Loading the class…" />;
  if (c.isError) {
    if (c.error instanceof ApiError && (c.error.status === 404 || c.error.status === 400)) {
      return (
        <section className="page page-narrow" data-testid="class-not-found">
          <div className="card card-center">
            <h1>Class not found</h1>
            <p>This class was removed, or the link is wrong.</p>
            <Link className="btn btn-primary" to="/classes">
              All classes
            </Link>
          </div>
        </section>
      );
    }
    return <PageError error={c.error} onRetry={() => void c.refetch()} />;
  }
  return (
    <section className="page page-medium" aria-labelledby="class-title">
      <Link className="back-link" to={c.data.mine === 'teaching' ? '/tutor/classes' : '/classes'}>
        ← {c.data.mine === 'teaching' ? 'My classes' : 'All classes'}
      </Link>
      <ClassDetail c={c.data} me={me.data ?? null} zone={zone} now={now} returning={returning} />
    </section>
  );
}
