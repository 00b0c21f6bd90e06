import type { Question } from '@tutorline/contracts';
import { Link } from 'react-router';
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
  const questions = useMyQuestions();
  const subjectName = useSubjectName();
  const now = useNow(30_000);

  if (questions.isPending) return <PageLoading label="Loading your questions…" />;
  if (questions.isError) {
    return (
      <Alert tone="error" title="Your questions could not be loaded">
        <p>{errorMessage(questions.error)}</p>
        <Button variant="secondary" onClick={() => void questions.refetch()}>
          Try again
        </Button>
      </Alert>
    );
  }
  if (questions.data.length === 0) {
    return (
      <div className="empty">
        <p className="empty-title">Nothing here yet</p>
        <p>Your questions and lessons will show up here.</p>
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
  const questionLink = `/student/questions/${q.id}`;
  return (
    <li className="history-row" data-testid="question-row" data-question-id={q.id} data-status={q.status}>
      <div className="history-main">
        <Link className="history-title" to={questionLink}>
          {subject} · {levelLabel(q.level)}
        </Link>
        <p className="history-meta">
          <time dateTime={q.createdAt}>Asked {formatRelative(q.createdAt, now)}</time>
          {q.tutor && <> · with {q.tutor.displayName}</>}
        </p>
        {q.text && <p className="history-text truncate">{q.text}</p>}
      </div>
      <div className="history-side">
        <QuestionStatusBadge status={q.status} />
      </div>
      <div className="history-actions">
        {q.status === 'open' && (
          <Link className="btn btn-primary btn-small" to={questionLink} data-testid="question-waiting-link">
            See progress
          </Link>
        )}
        {q.sessionId && (
          <Link
            className={`btn btn-small ${q.status === 'claimed' ? 'btn-primary' : 'btn-secondary'}`}
            to={`/session/${q.sessionId}`}
            data-testid="question-session-link"
          >
            {q.status === 'claimed' ? 'Join session' : 'Session'}
          </Link>
        )}
        {q.status === 'answered' && q.rating === null && (
          <Link className="btn btn-secondary btn-small" to={questionLink}>
            Rate tutor
          </Link>
        )}
      </div>
    </li>
  );
}
