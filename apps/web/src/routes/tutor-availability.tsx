import type { Me } from '@tutorline/contracts';
import { Link } from 'react-router';
import { RequireRole } from '../features/auth';
import { AvailabilityEditor, useMyAvailability, WeekPreview } from '../features/scheduling';
import { usePageTitle } from '../lib/page-title';
import { PageError, PageLoading } from '../ui/page-states';

export function TutorAvailabilityPage() {
  return <RequireRole role="tutor">{(me) => <TutorAvailability me={me} />}</RequireRole>;
}

function TutorAvailability({ me }: { me: Me }) {
  usePageTitle('Availability');
  const policy = useMyAvailability();
  return (
    <section className="page page-medium" data-testid="tutor-availability" aria-labelledby="availability-title">
      <Link className="back-link" to="/tutor">
        ← Home
      </Link>
      <div className="page-intro">
        <h1 id="availability-title">Your availability</h1>
        <p className="lead">When learners can book lessons with you, in your own time zone.</p>
      </div>
      {policy.isPending && <PageLoading label="Loading your availability…" />}
      {policy.isError && <PageError error={policy.error} onRetry={() => void policy.refetch()} />}
      {policy.data && (
        <>
          <AvailabilityEditor policy={policy.data} tutorId={me.id} />
          <WeekPreview key={policy.data.updatedAt ?? 'unsaved'} tutorId={me.id} policy={policy.data} />
        </>
      )}
    </section>
  );
}
