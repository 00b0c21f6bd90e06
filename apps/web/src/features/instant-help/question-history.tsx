import type { Question } from '@tutorline/contracts';
import { Link } from 'react-router';
import { useT } from '../../i18n';
import { errorMessage } from '../../lib/api';
import { formatRelative } from '../../lib/format';
import { useNow } from '../../lib/use-now';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { PageLoading } from '../../ui/page-states';
import { levelLabel, useSubjectName } from '../subjects';
import { QuestionStatusBadge } from './question-status-badge';
import { useMyQuestions } from './question-queries';
import './question.css';

/** The student's questions, newest first, each with the next useful step. */
export function QuestionHistory() {
  const t = useT();
  const questions = useMyQuestions();
  const subjectName = useSubjectName();
  const now = useNow(30_000);

  if (questions.isPending) return <PageLoading label={t('history.loading')} />;
  if (questions.isError) {
    return (
      <Alert tone="error" title={t('history.failed')}>
        <p>{errorMessage(questions.error)}</p>
        <Button variant="secondary" onClick={() => void questions.refetch()}>
          {t('common.tryAgain')}
        </Button>
      </Alert>
    );
  }
  if (questions.data.length === 0) {
    return (
      <div className="empty">
        <p className="empty-title">{t('history.emptyTitle')}</p>
        <p>{t('history.empty')}</p>
      </div>
    );
  }
  return (
    <ul className="history" data-testid="question-history">
      {questions.data.map((q) => (
        <HistoryRow key={q.id} question={q} subject={subjectName(q.subjectId)} now={now} />
      ))}
    </ul>
  );
}

function HistoryRow({ question: q, subject, now }: { question: Question; subject: string; now: number }) {
  const t = useT();
  const questionLink = `/student/questions/${q.id}`;
  return (
    <li className="history-row" data-testid="question-row" data-question-id={q.id} data-status={q.status}>
      <div className="history-main">
        <Link className="history-title" to={questionLink}>
          {t('history.subjectLevel', { subject, level: levelLabel(q.level) })}
        </Link>
        <p className="history-meta">
          <time dateTime={q.createdAt}>{t('history.asked', { when: formatRelative(q.createdAt, now) })}</time>
          {q.tutor && <> · {t('history.withTutor', { name: q.tutor.displayName })}</>}
        </p>
        {q.text && <p className="history-text truncate">{q.text}</p>}
      </div>
      <div className="history-side">
        <QuestionStatusBadge status={q.status} />
      </div>
      <div className="history-actions">
        {q.status === 'open' && (
          <Link className="btn btn-primary btn-small" to={questionLink} data-testid="question-waiting-link">
            {t('history.seeProgress')}
          </Link>
        )}
        {q.sessionId && (
          <Link
            className={`btn btn-small ${q.status === 'claimed' ? 'btn-primary' : 'btn-secondary'}`}
            to={`/session/${q.sessionId}`}
            data-testid="question-session-link"
          >
            {q.status === 'claimed' ? t('outcome.joinSession') : t('history.session')}
          </Link>
        )}
        {q.status === 'answered' && q.rating === null && (
          <Link className="btn btn-secondary btn-small" to={questionLink}>
            {t('history.rate')}
          </Link>
        )}
      </div>
    </li>
  );
}
