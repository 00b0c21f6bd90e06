import type { QuestionStatus } from '@tutorline/contracts';
import './question.css';

const labels: Record<QuestionStatus, string> = {
  open: 'Finding a tutor',
  claimed: 'Tutor joined',
  answered: 'Answered',
  expired: 'No tutor free',
  cancelled: 'Cancelled',
};

export function QuestionStatusBadge({ status }: { status: QuestionStatus }) {
  return (
    <span className={`badge badge-q-${status}`} data-testid="question-status" data-status={status}>
      {labels[status]}
    </span>
  );
}
