import { Link, useParams } from 'react-router';
import { RequireRole } from '../features/auth';
import { RecordingPlayer, useRecording } from '../features/recordings';
import { ApiError } from '../lib/api';
import { formatDateTime } from '../lib/format';
import { usePageTitle } from '../lib/page-title';
import { PageError, PageLoading } from '../ui/page-states';

/** /recordings/:id: a class recording, for the class's teacher, its enrolled learners and admins (others: not found). */
export function RecordingPage() {
  const { id = '' } = useParams();
  usePageTitle('Recording');
  return <RequireRole role={['student', 'tutor', 'admin']}>{() => <Recording id={id} />}</RequireRole>;
}

function Recording({ id }: { id: string }) {
  const q = useRecording(id);
  if (q.isPending) return <PageLoading label="Loading the recording…" />;
  if (q.isError) {
    if (q.error instanceof ApiError && (q.error.status === 404 || q.error.status === 400))
      return (
        <section className="page page-narrow" data-testid="recording-not-found">
          <div className="card card-center">
            <h1>Recording not found</h1>
            <p>It was deleted, or it is not one you may watch.</p>
          </div>
        </section>
      );
    return <PageError error={q.error} onRetry={() => void q.refetch()} />;
  }
  const r = q.data;
  return (
    <section className="page page-medium" aria-labelledby="recording-title">
      <Link className="back-link" to={`/classes/${r.classId}`}>
        ← The class
      </Link>
      <h1 id="recording-title">Class recording, {formatDateTime(r.createdAt)}</h1>
      <RecordingPlayer r={r} />
    </section>
  );
}
