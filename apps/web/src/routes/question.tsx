import type { Question } from '@tutorline/contracts';
import { useCallback, useEffect, useRef } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { RequireRole } from '../features/auth';
import { QuestionOutcome, QuestionPhotos, QuestionStatusBadge, useLiveQuestions, useQuestion, WaitingPanel } from '../features/instant-help';
import { useTutoringSession } from '../features/sessions';
import { levelLabel, useSubjectName } from '../features/subjects';
import { announce } from '../lib/announce';
import { ApiError } from '../lib/api';
import { useT } from '../i18n';
import { formatDateTime } from '../lib/format';
import { usePageTitle } from '../lib/page-title';
import { useNow } from '../lib/use-now';
import { LiveStatus } from '../ui/live-status';
import { PageError, PageLoading } from '../ui/page-states';

export function QuestionPage() {
  return <RequireRole role="student">{() => <QuestionScreen />}</RequireRole>;
}

function QuestionScreen() {
  const t = useT();
  const { id = '' } = useParams();
  const question = useQuestion(id);
  const navigate = useNavigate();
  useLiveQuestions();
  usePageTitle(question.data?.status === 'open' ? t('status.open') : t('question.title'));

  // Go straight to the session when a tutor takes the question while we watch (by socket event or by a refetch after a
  // reconnect). Opening the page of a question that was taken earlier shows the Join button instead.
  const sawOpen = useRef(false);
  const status = question.data?.status;
  const sessionId = question.data?.sessionId;
  const tutorName = question.data?.tutor?.displayName;
  useEffect(() => {
    if (status === 'open') sawOpen.current = true;
    else if (status === 'claimed' && sessionId && sawOpen.current) {
      sawOpen.current = false;
      // Said by the shell's live region: this page goes at once, the announcement stays.
      announce(tutorName ? t('question.tutorFoundNamed', { name: tutorName }) : t('question.tutorFound'));
      void navigate(`/session/${sessionId}`);
    }
  }, [status, sessionId, tutorName, navigate, t]);

  const refetch = question.refetch;
  const checkAgain = useCallback(() => void refetch(), [refetch]);

  if (question.isPending) return <PageLoading label={t('question.loading')} />;
  if (question.isError) {
    if (question.error instanceof ApiError && question.error.status === 404) return <QuestionNotFound />;
    return <PageError error={question.error} onRetry={checkAgain} />;
  }
  return <QuestionDetails question={question.data} onCheckAgain={checkAgain} />;
}

function QuestionDetails({ question, onCheckAgain }: { question: Question; onCheckAgain(): void }) {
  const t = useT();
  const subjectName = useSubjectName();
  // A claimed question whose session already ended is waiting for the tutor to mark it answered, not for the student to join.
  const session = useTutoringSession(question.sessionId ?? '', { enabled: question.status === 'claimed' && Boolean(question.sessionId) });
  const now = useNow(60_000);
  const subjectText = t('question.subjectLevel', { subject: subjectName(question.subjectId), level: levelLabel(question.level) });

  return (
    <section className="page page-narrow" data-testid="question-page" data-status={question.status} aria-labelledby="question-title">
      <div className="page-intro">
        <Link to="/student" className="back-link">
          {t('common.backHome')}
        </Link>
        <div className="page-head">
          <h1 id="question-title">{question.status === 'open' ? t('status.open') : t('question.title')}</h1>
          {question.status !== 'open' && <QuestionStatusBadge status={question.status} />}
        </div>
        <p className="muted">
          {t('question.meta', { subject: subjectText, when: formatDateTime(question.createdAt, { now }) })}
        </p>
      </div>
      {question.status === 'open' && <LiveStatus />}

      {question.status === 'open' ? (
        <WaitingPanel question={question} subjectText={subjectText} onCheckAgain={onCheckAgain} />
      ) : (
        <QuestionOutcome question={question} sessionEnded={session.data?.status === 'ended'} />
      )}

      <section className="card question-sent" aria-labelledby="sent-title">
        <h2 id="sent-title">{t('question.sent')}</h2>
        <QuestionPhotos photos={question.photos} label={t('question.yourPhoto')} />
        {question.text ? <p className="question-text">{question.text}</p> : <p className="muted">{t('question.noNote')}</p>}
      </section>
    </section>
  );
}

function QuestionNotFound() {
  const t = useT();
  usePageTitle(t('question.notFoundTitle'));
  return (
    <section className="page page-narrow" aria-labelledby="question-missing-title">
      <div className="card card-center">
        <h1 id="question-missing-title">{t('question.notFound')}</h1>
        <p>{t('question.notFoundText')}</p>
        <Link className="btn btn-primary" to="/student">
          {t('common.goHome')}
        </Link>
      </div>
    </section>
  );
}
