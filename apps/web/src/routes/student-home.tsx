import type { Me } from '@tutorline/contracts';
import { RequireRole } from '../features/auth';
import { usePageTitle } from '../lib/page-title';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';

export function StudentHomePage() {
  return <RequireRole role="student">{(me) => <StudentHome me={me} />}</RequireRole>;
}

function StudentHome({ me }: { me: Me }) {
  usePageTitle('Home');
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
        <article className="card" aria-labelledby="ask-title">
          <div className="card-head">
            <h2 id="ask-title">Ask a question</h2>
            <span className="badge badge-neutral">Coming soon</span>
          </div>
          <p>Take a photo of a question and a tutor joins you in a live room, usually within a minute.</p>
          <Button disabled aria-describedby="ask-soon">
            Ask a question
          </Button>
          <p className="muted" id="ask-soon">
            Asking from a photo is coming soon.
          </p>
        </article>

        <article className="card" aria-labelledby="history-title">
          <h2 id="history-title">Your history</h2>
          <div className="empty">
            <p className="empty-title">Nothing here yet</p>
            <p>Your questions and lessons will show up here.</p>
          </div>
        </article>
      </div>
    </section>
  );
}
