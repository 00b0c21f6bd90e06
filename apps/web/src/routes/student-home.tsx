import type { Me } from '@tutorline/contracts';
import { Link } from 'react-router';
import { RequireRole } from '../features/auth';
import { BillingStatus, useBillingMe } from '../features/billing';
import { QuestionHistory, useLiveQuestions } from '../features/instant-help';
import { TutorsForYou } from '../features/recommendations';
import { usePageTitle } from '../lib/page-title';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { CameraIcon } from '../ui/icons';

export function StudentHomePage() {
  return <RequireRole role="student">{(me) => <StudentHome me={me} />}</RequireRole>;
}

function StudentHome({ me }: { me: Me }) {
  usePageTitle('Home');
  useLiveQuestions();
  const billing = useBillingMe();
  return (
    <section className="page" data-testid="student-home" aria-labelledby="student-home-title">
      <h1 id="student-home-title">Hi, {me.displayName}</h1>
      <p className="lead">What are you working on today?</p>

      {!me.canAskOrBook && (
        <Alert tone="warning" title="A guardian's consent is needed" testId="consent-banner">
          <p>
            {me.minor?.needsConsent ? 'Because you are under 13, a' : 'A'} parent or guardian must give consent before you can ask
            questions or book lessons.
            {me.minor?.guardianContact ? (
              <>
                {' '}
                We have their contact as <strong>{me.minor.guardianContact}</strong>.
              </>
            ) : null}
          </p>
        </Alert>
      )}

      <div className="card-grid">
        <article className="card ask-card" aria-labelledby="ask-title">
          <h2 id="ask-title">Stuck on a question?</h2>
          <p>Take a photo of it and a tutor joins you in a live room, usually within a few minutes.</p>
          {me.canAskOrBook ? (
            <Link className="btn btn-primary btn-large btn-block" to="/student/ask" data-testid="ask-button">
              <CameraIcon />
              Ask a question
            </Link>
          ) : (
            <>
              <Button className="btn-large" block disabled aria-describedby="ask-blocked" data-testid="ask-button">
                Ask a question
              </Button>
              <p className="muted" id="ask-blocked">
                You can ask as soon as your parent or guardian has given consent.
              </p>
            </>
          )}
        </article>

        {billing.data && <BillingStatus me={billing.data} timeZone={me.timeZone} compact />}

        <TutorsForYou />

        <article className="card" aria-labelledby="lessons-card-title">
          <h2 id="lessons-card-title">Book a lesson</h2>
          <p>Pick a tutor and a time that suits you, in your own time zone.</p>
          <div className="home-links">
            <Link className="btn btn-secondary" to="/tutors">
              Find a tutor
            </Link>
            <Link className="btn btn-secondary" to="/lessons">
              My lessons
            </Link>
          </div>
        </article>

        <article className="card" aria-labelledby="history-title">
          <h2 id="history-title">Your questions</h2>
          <QuestionHistory />
        </article>

        <p className="muted">
          <Link to="/settings/blocked" data-testid="blocked-link">
            Blocked tutors
          </Link>
        </p>
      </div>
    </section>
  );
}
