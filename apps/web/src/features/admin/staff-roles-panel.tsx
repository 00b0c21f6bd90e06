import { type StaffMember, type StaffRole, staffRoles } from '@tutorline/contracts';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../lib/api';
import { formErrorsOf } from '../../lib/form-errors';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { SelectField, TextField } from '../../ui/field';
import { PageLoading } from '../../ui/page-states';
import { useChangeStaffRole, useStaff } from './use-staff';
import './admin.css';

const roleWords: Record<StaffRole, string> = {
  ops: 'Ops: tutors, questions, sessions',
  support: 'Support: users, timelines, diagnostics',
  finance: 'Finance: billing, refunds, payouts',
  admin: 'Admin: everything, and granting roles',
};

/** Staff accounts and their roles; an admin grants or revokes one role at a time, with a reason. */
export function StaffRolesPanel() {
  const staff = useStaff();
  return (
    <section className="card" aria-labelledby="staff-title" data-testid="admin-staff">
      <div className="card-head">
        <h2 id="staff-title">Staff roles</h2>
      </div>
      <p className="muted">Each change needs a reason and is written to the audit log.</p>
      {staff.isPending && <PageLoading label="Loading staff…" />}
      {staff.isError && (
        <Alert tone="error" title="Staff could not be loaded">
          <p>{errorMessage(staff.error)}</p>
        </Alert>
      )}
      {!!staff.data?.length && (
        <ul className="tutor-list">
          {staff.data.map((m) => (
            <StaffRow key={m.id} member={m} />
          ))}
        </ul>
      )}
    </section>
  );
}

function StaffRow({ member }: { member: StaffMember }) {
  const change = useChangeStaffRole();
  const [role, setRole] = useState<StaffRole>('ops');
  const [reason, setReason] = useState('');
  const nameId = `staff-${member.id}-name`;
  const errors = formErrorsOf(change.error, ['reason']);
  const holds = member.staffRoles.includes(role);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    change.mutate({ userId: member.id, role, reason: reason.trim(), grant: !holds }, { onSuccess: () => setReason('') });
  };

  return (
    <li className="tutor-row" data-testid="staff-row" data-user-id={member.id}>
      <div className="tutor-row-who">
        <p className="tutor-row-name" id={nameId}>
          {member.displayName}
        </p>
        <p className="tutor-row-meta">{member.email}</p>
        <p className="tutor-row-meta" data-testid="staff-roles">
          {member.staffRoles.length ? member.staffRoles.join(', ') : 'No staff role'}
        </p>
      </div>
      <form className="form" onSubmit={submit} noValidate aria-describedby={nameId}>
        <SelectField label="Role" value={role} onChange={(e) => setRole(e.target.value as StaffRole)} data-testid="staff-role-select">
          {staffRoles.map((r) => (
            <option key={r} value={r}>
              {roleWords[r]}
            </option>
          ))}
        </SelectField>
        <TextField label="Reason" value={reason} maxLength={500} error={errors.fields.reason} onChange={(e) => setReason(e.target.value)} data-testid="staff-role-reason" />
        {change.isError && !errors.fields.reason && (
          <Alert tone="error" title="Nothing was changed">
            <p>{errorMessage(change.error)}</p>
          </Alert>
        )}
        <div className="tutor-row-actions">
          <Button type="submit" variant={holds ? 'danger' : 'primary'} className="btn-small" pending={change.isPending} pendingLabel="Saving…" data-testid="staff-role-submit">
            {holds ? `Revoke ${role}` : `Grant ${role}`}
          </Button>
        </div>
      </form>
    </li>
  );
}
