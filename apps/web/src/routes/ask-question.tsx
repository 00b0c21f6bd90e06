import type { Me } from '@tutorline/contracts';
import { Link, useSearchParams } from 'react-router';
import { RequireRole } from '../features/auth';
import { AskForm } from '../features/instant-help';
import { courseContextOf } from '../features/lti';
import { useT } from '../i18n';
import { usePageTitle } from '../lib/page-title';
import { Alert } from '../ui/alert';

export function AskQuestionPage() {
  return <RequireRole role="student">{(me) => <AskQuestion me={me} />}</RequireRole>;
}

function AskQuestion({ me }: { me: Me }) {
  const t = useT();
  usePageTitle(t('ask.title'));
  const [params] = useSearchParams();

  return (
    <section className="page page-narrow" data-testid="ask-page" aria-labelledby="ask-title">
      <div className="page-intro">
        <Link to="/student" className="back-link">
          {t('common.backHome')}
        </Link>
        <h1 id="ask-title">{t('ask.title')}</h1>
        <p className="lead">{t('ask.lead')}</p>
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
        <Alert tone="warning" title={t('consent.title')} testId="consent-banner">
          <p>{t('ask.consentNeeded')}</p>
        </Alert>
      )}
    </section>
  );
}
