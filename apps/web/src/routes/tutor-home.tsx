import type { ApprovalStatus, Me } from '@tutorline/contracts';
import { RequireRole } from '../features/auth';
import { ApprovalBadge, ProfileForm, useMyTutorProfile } from '../features/tutor-profile';
import { errorMessage } from '../lib/api';
import { usePageTitle } from '../lib/page-title';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { PageLoading } from '../ui/page-states';

export function TutorHomePage() {
  return <RequireRole role="tutor">{(me) => <TutorHome me={me} />}</RequireRole>;
}

const statusText: Record<ApprovalStatus, { tone: 'warning' | 'success' | 'error'; title: string; body: string }> = {
  pending: {
    tone: 'warning',
    title: 'Your profile is waiting for approval',
    body: 'An admin must approve your profile before you can receive questions or bookings. Fill in your profile below so they can review it.',
  },
  approved: {
    tone: 'success',
    title: 'You are approved',
    body: 'Students can find you, and you will receive questions in the subjects and levels you teach.',
  },
  suspended: {
    tone: 'error',
    title: 'Your account is suspended',
    body: 'You will not receive questions or bookings. Please contact support to find out more.',
  },
};

function TutorHome({ me }: { me: Me }) {
  usePageTitle('Home');
  const profile = useMyTutorProfile();
  const status = profile.data ? statusText[profile.data.approvalStatus] : null;

  return (
    <section className="page" data-testid="tutor-home" aria-labelledby="tutor-home-title">
      <div className="page-head">
        <h1 id="tutor-home-title">Hi, {me.displayName}</h1>
        {profile.data && <ApprovalBadge status={profile.data.approvalStatus} testId="approval-status" />}
      </div>

      {profile.isPending && <PageLoading label="Loading your profile…" />}
      {profile.isError && (
        <Alert tone="error" title="Your profile could not be loaded">
          <p>{errorMessage(profile.error)}</p>
          <Button variant="secondary" onClick={() => void profile.refetch()}>
            Try again
          </Button>
        </Alert>
      )}
      {profile.data && status && (
        <>
          <Alert tone={status.tone} title={status.title}>
            <p>{status.body}</p>
          </Alert>
          <div className="card">
            <ProfileForm profile={profile.data} />
          </div>
        </>
      )}
    </section>
  );
}
