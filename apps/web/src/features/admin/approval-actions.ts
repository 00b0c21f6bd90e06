import type { ApprovalStatus } from '@tutorline/contracts';

export interface ApprovalAction {
  /** The status the action sets (POST /api/admin/tutors/:id/approval). */
  to: ApprovalStatus;
  label: string;
  pendingLabel: string;
  variant: 'primary' | 'danger';
}

const approve: ApprovalAction = { to: 'approved', label: 'Approve', pendingLabel: 'Approving…', variant: 'primary' };
const suspend: ApprovalAction = { to: 'suspended', label: 'Suspend', pendingLabel: 'Suspending…', variant: 'danger' };
const reinstate: ApprovalAction = { to: 'approved', label: 'Reinstate', pendingLabel: 'Reinstating…', variant: 'primary' };

/** Only what applies to a tutor in this status: approve or suspend a pending tutor, suspend an approved one, reinstate a suspended one. */
export function approvalActions(status: ApprovalStatus | null): ApprovalAction[] {
  switch (status) {
    case null:
      return [];
    case 'pending':
      return [approve, suspend];
    case 'approved':
      return [suspend];
    case 'suspended':
      return [reinstate];
  }
}
