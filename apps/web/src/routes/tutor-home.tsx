import type { ApprovalStatus, Me } from '@tutorline/contracts';
import { Link } from 'react-router';
import { RequireRole } from '../features/auth';
import { AvailabilityCard, LiveFeed, TodayCard, useAvailability } from '../features/instant-help';
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
    body: 'Send your application (documents and a sample answer per subject) so our team can approve the subjects you teach. Until then you receive no questions or bookings.',
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
  const availability = useAvailability();
  const status = profile.data ? statusText[profile.data.approvalStatus] : null;
  const approved = profile.data?.approvalStatus === 'approved';
  // A tutor who still has to fill in or fix their profile sees it open; an approved one sees their questions first.
  const profileOpen = !approved || profile.data?.subjects.length === 0;

  return (
    <section className="page" data-testid="tutor-home" aria-labelledby="tutor-home-title">
      <div className="page-head">
        <h1 id="tutor-home-title">Hi, {me.displayName}</h1>
        {profile.data && <ApprovalBadge status={profile.data.approvalStatus} testId="approval-status" />}
      </div>

      {profile.data && status && !approved && (
        <Alert tone={status.tone} title={status.title}>
          <p>{status.body}</p>
        </Alert>
      )}

      {profile.data && !approved && (
        <Link className="btn btn-primary btn-block" to="/tutor/application" data-testid="application-link">
          Your application to teach
        </Link>
      )}

      <div className="tutor-top">
        <AvailabilityCard approved={approved} />
        <TodayCard currency={profile.data?.currency ?? 'INR'} />
      </div>
      <LiveFeed online={availability.data?.online ?? null} />

      <article className="card" aria-labelledby="lessons-card-title">
        <h2 id="lessons-card-title">Booked lessons</h2>
        <p>Set the hours learners can book, and see your upcoming lessons.</p>
        <div className="home-links">
          <Link className="btn btn-secondary" to="/tutor/availability">
            Set availability
          </Link>
          <Link className="btn btn-secondary" to="/lessons">
            My lessons
          </Link>
          <Link className="btn btn-secondary" to="/tutor/earnings">
            Earnings
          </Link>
        </div>
      </article>

      {profile.isPending && <PageLoading label="Loading your profile…" />}
      {profile.isError && (
        <Alert tone="error" title="Your profile could not be loaded">
          <p>{errorMessage(profile.error)}</p>
          <Button variant="secondary" onClick={() => void profile.refetch()}>
            Try again
          </Button>
        </Alert>
      )}
      {profile.data && (
        <details className="card profile-details" open={profileOpen} data-testid="profile-details">
          <summary>
            <span>Your tutor profile</span>
            <span className="muted profile-summary-hint">Subjects, rate, time zone</span>
          </summary>
          <ProfileForm profile={profile.data} />
        </details>
      )}
    </section>
  );
}
