import type { Me } from '@tutorline/contracts';
import { Link, useSearchParams } from 'react-router';
import { RequireRole } from '../features/auth';
import { AskForm } from '../features/instant-help';
import { courseContextOf } from '../features/lti';
import { usePageTitle } from '../lib/page-title';
import { Alert } from '../ui/alert';

export function AskQuestionPage() {
  return <RequireRole role="student">{(me) => <AskQuestion me={me} />}</RequireRole>;
}

function AskQuestion({ me }: { me: Me }) {
  usePageTitle('Ask a question');
  const [params] = useSearchParams();

  return (
    <section className="page page-narrow" data-testid="ask-page" aria-labelledby="ask-title">
      <div className="page-intro">
        <Link to="/student" className="back-link">
          ← Home
        </Link>
        <h1 id="ask-title">Ask a question</h1>
        <p className="lead">Send a photo and the first free tutor joins you, usually within a few minutes.</p>
      </div>
      {me.canAskOrBook ? (
        <div className="card">
          <AskForm
            userId={me.id}
            initialSubject={params.get('subject')}
            initialLevel={params.get('level')}
            initialCourse={courseContextOf(params).course ?? null}
            checkoutId={params.get('checkout')}
            cancelled={params.get('cancelled') === '1'}
          />
        </div>
      ) : (
        <Alert tone="warning" title="A guardian's consent is needed" testId="consent-banner">
          <p>A parent or guardian must give consent before you can ask questions. Once they have, come back here.</p>
        </Alert>
      )}
    </section>
  );
}
