import type { AdminUser, ApprovalStatus } from '@tutorline/contracts';
import { useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../lib/api';
import { formatDate, plural } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { SelectField } from '../../ui/field';
import { PageLoading } from '../../ui/page-states';
import { ApprovalBadge } from '../tutor-profile';
import { approvalActions } from './approval-actions';
import { ADMIN_PAGE_SIZE, useAdminTutors, useSetTutorApproval } from './use-admin-tutors';
import './admin.css';


export function TutorApprovalList() {
  const [approvalStatus, setApprovalStatus] = useState<ApprovalStatus | null>(null);
  const [offset, setOffset] = useState(0);
  const tutors = useAdminTutors({ approvalStatus, offset });
  const setApproval = useSetTutorApproval();

  const total = tutors.data?.total ?? 0;
  const users = tutors.data?.users ?? [];

  return (
    <section className="card" aria-labelledby="tutors-title">
      <div className="card-head">
        <h2 id="tutors-title">Tutors</h2>
        {tutors.data && <span className="muted">{plural(total, { one: '# tutor', other: '# tutors' })}</span>}
      </div>
      <div className="filter">
        <SelectField
          label="Show"
          value={approvalStatus ?? ''}
          onChange={(e) => {
            setApprovalStatus((e.target.value || null) as ApprovalStatus | null);
            setOffset(0);
          }}
        >
          <option value="">All tutors</option>
          <option value="pending">Pending approval</option>
          <option value="approved">Approved</option>
          <option value="suspended">Suspended</option>
        </SelectField>
      </div>

      {setApproval.isError && (
        <Alert tone="error" title="The change was not saved">
          <p>{errorMessage(setApproval.error)}</p>
        </Alert>
      )}
      {tutors.isPending && <PageLoading label="Loading tutors…" />}
      {tutors.isError && (
        <Alert tone="error" title="Tutors could not be loaded">
          <p>{errorMessage(tutors.error)}</p>
          <Button variant="secondary" onClick={() => void tutors.refetch()}>
            Try again
          </Button>
        </Alert>
      )}
      {tutors.data && users.length === 0 && <p className="empty">No tutors here yet.</p>}
      {users.length > 0 && (
        <ul className="tutor-list" data-testid="admin-tutor-list" aria-busy={tutors.isFetching || undefined}>
          {users.map((user) => (
            <TutorRow
              key={user.id}
              user={user}
              pendingStatus={setApproval.isPending && setApproval.variables.tutorId === user.id ? setApproval.variables.status : null}
              busy={setApproval.isPending}
              onSet={(status) => setApproval.mutate({ tutorId: user.id, status })}
            />
          ))}
        </ul>
      )}
      {total > ADMIN_PAGE_SIZE && (
        <nav className="pager" aria-label="Tutor pages">
          <Button variant="secondary" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - ADMIN_PAGE_SIZE))}>
            Previous
          </Button>
          <span className="muted">
            {offset + 1}–{Math.min(offset + ADMIN_PAGE_SIZE, total)} of {total}
          </span>
          <Button variant="secondary" disabled={offset + ADMIN_PAGE_SIZE >= total} onClick={() => setOffset(offset + ADMIN_PAGE_SIZE)}>
            Next
          </Button>
        </nav>
      )}
    </section>
  );
}

interface TutorRowProps {
  user: AdminUser;
  /** The status being saved for this row, if any. */
  pendingStatus: ApprovalStatus | null;
  busy: boolean;
  onSet(status: ApprovalStatus): void;
}

function TutorRow({ user, pendingStatus, busy, onSet }: TutorRowProps) {
  const nameId = `tutor-${user.id}-name`;
  return (
    <li className="tutor-row" data-testid="admin-tutor-row" data-user-id={user.id}>
      <div className="tutor-row-who">
        <div className="tutor-row-title">
          <p className="tutor-row-name" id={nameId}>
            {user.displayName}
          </p>
          <ApprovalBadge status={user.approvalStatus} testId="approval-status" />
        </div>
        <p className="tutor-row-meta truncate">{user.email}</p>
        <p className="tutor-row-meta">Joined {formatDate(user.createdAt)}</p>
        <p className="tutor-row-meta">
          <Link to={`/admin/tutors/${user.id}`} aria-describedby={nameId} data-testid="tutor-quality-link">
            Quality and standing
          </Link>
        </p>
      </div>
      <div className="tutor-row-actions">
        {approvalActions(user.approvalStatus).map((action) => (
          <Button
            key={action.label}
            variant={action.variant}
            className="btn-small"
            disabled={busy}
            pending={pendingStatus === action.to}
            pendingLabel={action.pendingLabel}
            aria-describedby={nameId}
            onClick={() => onSet(action.to)}
          >
            {action.label}
          </Button>
        ))}
      </div>
    </li>
  );
}
