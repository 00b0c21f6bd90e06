import { type AdminUser, type ConsentMethod, consentMethods, type GuardianConsent, guardianConsentBodySchema } from '@tutorline/contracts';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../lib/api';
import { formErrorsOf } from '../../lib/form-errors';
import { formatDateTime } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { SelectField, TextAreaField, TextField } from '../../ui/field';
import { PageLoading } from '../../ui/page-states';
import { useConsentStudents, useRecordGuardianConsent } from './use-guardian-consents';
import './admin.css';

const methodLabels: Record<ConsentMethod, string> = {
  paper_form: 'Signed paper form',
  video_call: 'Video call',
  email_reply: 'Reply by email',
  in_person: 'In person',
  other: 'Other',
};
const fieldNames = ['guardianName', 'relationship', 'contact', 'method', 'methodOther', 'evidence'] as const;

/** Students under 13 waiting for a guardian's consent, each with a form; and the consents recorded, with their evidence. */
export function GuardianConsentPanel() {
  const needed = useConsentStudents('needed');
  const recorded = useConsentStudents('recorded');
  const [open, setOpen] = useState<string | null>(null);
  return (
    <section className="card" aria-labelledby="consent-title" data-testid="guardian-consents">
      <div className="card-head">
        <h2 id="consent-title">Guardian consent</h2>
      </div>
      <p className="muted">Students under 13 can ask and book once a guardian's consent is recorded here: who gave it, how, and the evidence you keep.</p>
      {needed.isPending && <PageLoading label="Loading students…" />}
      {needed.isError && (
        <Alert tone="error" title="Students could not be loaded">
          <p>{errorMessage(needed.error)}</p>
        </Alert>
      )}
      {needed.data && needed.data.users.length === 0 && <p className="empty">No student is waiting for consent.</p>}
      {needed.data && needed.data.users.length > 0 && (
        <ul className="tutor-list" data-testid="consent-needed-list">
          {needed.data.users.map((u) => (
            <li key={u.id} className="tutor-row" data-testid="consent-needed-row" data-user-id={u.id}>
              <div className="tutor-row-who">
                <p className="tutor-row-name">{u.displayName}</p>
                <p className="tutor-row-meta truncate">{u.email}</p>
                {u.minor?.guardianContact && <p className="tutor-row-meta truncate">Guardian given at sign-up: {u.minor.guardianContact}</p>}
              </div>
              {open === u.id ? (
                <ConsentForm student={u} onDone={() => setOpen(null)} />
              ) : (
                <div className="tutor-row-actions">
                  <Button className="btn-small" onClick={() => setOpen(u.id)}>
                    Record consent
                  </Button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      {recorded.data && recorded.data.users.length > 0 && (
        <>
          <h3>Recorded</h3>
          <ul className="tutor-list" data-testid="consent-recorded-list">
            {recorded.data.users.map((u) => u.guardianConsent && <RecordedConsent key={u.id} user={u} consent={u.guardianConsent} />)}
          </ul>
        </>
      )}
    </section>
  );
}

function RecordedConsent({ user, consent }: { user: AdminUser; consent: GuardianConsent }) {
  const how = consent.method === 'other' ? `Other: ${consent.methodOther ?? ''}` : methodLabels[consent.method];
  return (
    <li className="tutor-row" data-testid="consent-recorded-row" data-user-id={user.id}>
      <div className="tutor-row-who">
        <p className="tutor-row-name">{user.displayName}</p>
        <p className="tutor-row-meta">
          {consent.guardianName} ({consent.relationship}), {consent.contact}
        </p>
        <p className="tutor-row-meta">How: {how}</p>
        <p className="tutor-row-meta" data-testid="consent-evidence">
          Evidence: {consent.evidence}
        </p>
        <p className="tutor-row-meta">
          Recorded by {consent.recordedBy.displayName} on {formatDateTime(consent.recordedAt, { year: true })}
        </p>
      </div>
    </li>
  );
}

function ConsentForm({ student, onDone }: { student: AdminUser; onDone(): void }) {
  const record = useRecordGuardianConsent();
  const [values, setValues] = useState({ guardianName: '', relationship: '', contact: student.minor?.guardianContact ?? '', method: 'paper_form' as ConsentMethod, methodOther: '', evidence: '' });
  const [local, setLocal] = useState<Record<string, string>>({});
  const server = formErrorsOf(record.error, fieldNames);
  const errors = { ...server.fields, ...local };
  const set = (key: keyof typeof values) => (e: { target: { value: string } }) => setValues((v) => ({ ...v, [key]: e.target.value }));

  function submit(e: FormEvent) {
    e.preventDefault();
    // The same schema as the server's, so every missing field shows at once.
    const { methodOther, ...rest } = values;
    const parsed = guardianConsentBodySchema.safeParse(values.method === 'other' && methodOther.trim() ? { ...rest, methodOther } : rest);
    if (!parsed.success) {
      setLocal(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])));
      return;
    }
    setLocal({});
    record.mutate({ studentId: student.id, body: parsed.data }, { onSuccess: onDone });
  }

  return (
    <form className="stack" onSubmit={submit} noValidate data-testid="consent-form" aria-label={`Guardian consent for ${student.displayName}`}>
      {server.summary && !Object.keys(local).length && (
        <Alert tone="error" title="Consent was not recorded">
          <p>{server.summary}</p>
        </Alert>
      )}
      <TextField label="Guardian's name" value={values.guardianName} onChange={set('guardianName')} error={errors.guardianName} autoComplete="off" />
      <TextField label="Relationship to the student" hint="Mother, father, legal guardian…" value={values.relationship} onChange={set('relationship')} error={errors.relationship} />
      <TextField label="Guardian's email or phone" value={values.contact} onChange={set('contact')} error={errors.contact} />
      <SelectField label="How consent was given" value={values.method} onChange={set('method')} error={errors.method}>
        {consentMethods.map((m) => (
          <option key={m} value={m}>
            {methodLabels[m]}
          </option>
        ))}
      </SelectField>
      {values.method === 'other' && <TextField label="How, in a few words" value={values.methodOther} onChange={set('methodOther')} error={errors.methodOther} />}
      <TextAreaField label="Evidence kept" hint="A form's reference, a message id, a note of the call." value={values.evidence} onChange={set('evidence')} error={errors.evidence} rows={3} />
      <div className="tutor-row-actions">
        <Button type="submit" className="btn-small" pending={record.isPending} pendingLabel="Recording…">
          Record consent
        </Button>
        <Button variant="secondary" className="btn-small" onClick={onDone} disabled={record.isPending}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
