import type { LtiRegistration } from '@tutorline/contracts';
import { useState } from 'react';
import { formatDateTime } from '../../lib/format';
import { Button } from '../../ui/button';
import { useUpdateLtiRegistration } from './lti-queries';
import { RegistrationForm } from './registration-form';
import './lti.css';

const statusWords: Record<LtiRegistration['status'], string> = { pending: 'Waiting for your confirmation', active: 'Active', disabled: 'Disabled' };

/** Each registered platform: what it is, its deployments, and confirm / disable / edit. */
export function RegistrationList({ registrations }: { registrations: LtiRegistration[] }) {
  if (!registrations.length) return <p data-testid="lti-no-registrations">No platform is registered yet.</p>;
  return (
    <ul className="lti-list" data-testid="lti-registrations">
      {registrations.map((r) => (
        <li key={r.id} className="card lti-registration" data-testid="lti-registration">
          <RegistrationItem registration={r} />
        </li>
      ))}
    </ul>
  );
}

function RegistrationItem({ registration: r }: { registration: LtiRegistration }) {
  const [editing, setEditing] = useState(false);
  const update = useUpdateLtiRegistration();
  const setStatus = (status: 'active' | 'disabled') => update.mutate({ id: r.id, patch: { status } });
  return (
    <>
      <h3>{r.name}</h3>
      <span className={`lti-status lti-status-${r.status}`}>{statusWords[r.status]}</span>
      <dl>
        <dt>Issuer</dt>
        <dd>{r.issuer}</dd>
        <dt>Client ID</dt>
        <dd>{r.clientId}</dd>
        <dt>Deployments</dt>
        <dd>{r.deploymentIds.join(', ') || 'none'}</dd>
        <dt>Registered</dt>
        <dd>{formatDateTime(r.createdAt)}</dd>
      </dl>
      {r.status !== 'active' ? (
        <Button onClick={() => setStatus('active')} pending={update.isPending}>
          {r.status === 'pending' ? 'Confirm this platform' : 'Turn on again'}
        </Button>
      ) : (
        <Button variant="secondary" onClick={() => setStatus('disabled')} pending={update.isPending}>
          Disable
        </Button>
      )}
      <Button variant="secondary" onClick={() => setEditing((e) => !e)}>
        {editing ? 'Close' : 'Edit'}
      </Button>
      {editing && <RegistrationForm registration={r} onDone={() => setEditing(false)} />}
    </>
  );
}
