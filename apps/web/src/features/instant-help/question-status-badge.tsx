import type { QuestionStatus } from '@tutorline/contracts';
import { type MessageKey, useT } from '../../i18n';
import './question.css';

const labels: Record<QuestionStatus, MessageKey> = {
  open: 'status.open',
  claimed: 'status.claimed',
  answered: 'status.answered',
  expired: 'status.expired',
  cancelled: 'status.cancelled',
};

export function QuestionStatusBadge({ status }: { status: QuestionStatus }) {
  const t = useT();
  return (
    <span className={`badge badge-q-${status}`} data-testid="question-status" data-status={status}>
      {t(labels[status])}
    </span>
  );
}
