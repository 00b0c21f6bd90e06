import type { ApprovalStatus } from '@tutorline/contracts';

const labels: Record<ApprovalStatus, string> = {
  pending: 'Pending approval',
  approved: 'Approved',
  suspended: 'Suspended',
};

export function ApprovalBadge({ status, testId }: { status: ApprovalStatus | null; testId?: string }) {
  if (!status) return <span className="badge badge-neutral">No profile</span>;
  return (
    <span className={`badge badge-${status}`} data-testid={testId} data-status={status}>
      {labels[status]}
    </span>
  );
}
