import type { Me } from '@tutorline/contracts';
import { Link } from 'react-router';
import { RequireRole } from '../features/auth';
import { BillingStatus, useBillingMe } from '../features/billing';
import { QuestionHistory, useLiveQuestions } from '../features/instant-help';
import { TutorsForYou } from '../features/recommendations';
import { T, useT } from '../i18n';
import { usePageTitle } from '../lib/page-title';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { CameraIcon } from '../ui/icons';

export function StudentHomePage() {
  return <RequireRole role="student">{(me) => <StudentHome me={me} />}</RequireRole>;
}

function StudentHome({ me }: { me: Me }) {
  const t = useT();
  usePageTitle(t('nav.home'));
  useLiveQuestions();
  const billing = useBillingMe();
  return (
    <section className="page" data-testid="student-home" aria-labelledby="student-home-title">
      <h1 id="student-home-title">{t('home.greeting', { name: me.displayName })}</h1>
      <p className="lead">{t('home.lead')}</p>

      {!me.canAskOrBook && (
        <Alert tone="warning" title={t('consent.title')} testId="consent-banner">
          <p>
            {me.minor?.needsConsent ? t('consent.neededUnder13') : t('consent.needed')}
            {me.minor?.guardianContact ? (
              <>
                {' '}
                <T id="consent.contactKnown" values={{ contact: me.minor.guardianContact }} components={{ 0: <strong /> }} />
              </>
            ) : null}
          </p>
        </Alert>
      )}

      <div className="card-grid">
        <article className="card ask-card" aria-labelledby="ask-title">
          <h2 id="ask-title">{t('home.askTitle')}</h2>
          <p>{t('home.askText')}</p>
          {me.canAskOrBook ? (
            <Link className="btn btn-primary btn-large btn-block" to="/student/ask" data-testid="ask-button">
              <CameraIcon />
              {t('ask.title')}
            </Link>
          ) : (
            <>
              <Button className="btn-large" block disabled aria-describedby="ask-blocked" data-testid="ask-button">
                {t('ask.title')}
              </Button>
              <p className="muted" id="ask-blocked">
                {t('home.askBlocked')}
              </p>
            </>
          )}
        </article>

        {/* The plan's card holds its place while it loads, so the cards below do not jump down under the reader's
            thumb when it arrives (Lighthouse counted a 0.24 layout shift here on a slow phone). */}
        {billing.data ? (
          <BillingStatus me={billing.data} timeZone={me.timeZone} compact />
        ) : (
          billing.isPending && (
            <article className="card billing-status billing-status-loading" aria-busy="true" aria-label={t('home.planLoading')} data-testid="billing-status-loading">
              <p className="muted">{t('home.planLoading')}</p>
            </article>
          )
        )}

        <TutorsForYou />

        <article className="card" aria-labelledby="lessons-card-title">
          <h2 id="lessons-card-title">{t('home.bookTitle')}</h2>
          <p>{t('home.bookText')}</p>
          <div className="home-links">
            <Link className="btn btn-secondary" to="/tutors">
              {t('nav.findTutor')}
            </Link>
            <Link className="btn btn-secondary" to="/lessons">
              {t('nav.myLessons')}
            </Link>
          </div>
        </article>

        <article className="card" aria-labelledby="history-title">
          <h2 id="history-title">{t('home.questionsTitle')}</h2>
          <QuestionHistory />
        </article>

        <p className="muted">
          <Link to="/settings/blocked" data-testid="blocked-link">
            {t('home.blockedTutors')}
          </Link>
        </p>
      </div>
    </section>
  );
}
