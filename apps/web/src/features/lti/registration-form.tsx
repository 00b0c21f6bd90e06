import type { LtiRegistration, LtiRegistrationBody } from '@tutorline/contracts';
import { type FormEvent, useState } from 'react';
import { ApiError, errorMessage } from '../../lib/api';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { TextAreaField, TextField } from '../../ui/field';
import { useCreateLtiRegistration, useUpdateLtiRegistration } from './lti-queries';
import './lti.css';

type Fields = Record<'name' | 'issuer' | 'clientId' | 'deploymentIds' | 'authLoginUrl' | 'accessTokenUrl' | 'keysetUrl', string>;

const empty: Fields = { name: '', issuer: '', clientId: '', deploymentIds: '', authLoginUrl: '', accessTokenUrl: '', keysetUrl: '' };
const fromRegistration = (r: LtiRegistration): Fields => ({ ...r, deploymentIds: r.deploymentIds.join('\n') });

/** The server's field errors by field name (`body.keysetUrl` → keysetUrl). */
function fieldErrors(error: unknown): Partial<Record<keyof Fields, string>> {
  if (!(error instanceof ApiError)) return {};
  return Object.fromEntries(error.fields.map((f) => [f.path.split('.')[1] ?? f.path, f.message]));
}

/** Register a platform (or edit one): the names LMS admin screens use. */
export function RegistrationForm({ registration, onDone }: { registration?: LtiRegistration; onDone?(): void }) {
  const [fields, setFields] = useState<Fields>(registration ? fromRegistration(registration) : empty);
  const [shareEmail, setShareEmail] = useState(registration?.shareEmail ?? false);
  const create = useCreateLtiRegistration();
  const update = useUpdateLtiRegistration();
  const mutation = registration ? update : create;
  const errors = fieldErrors(mutation.error);
  const set = (name: keyof Fields) => (e: { target: { value: string } }) => setFields((f) => ({ ...f, [name]: e.target.value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body: LtiRegistrationBody = {
      ...fields,
      deploymentIds: fields.deploymentIds
        .split(/[\n,]/)
        .map((d) => d.trim())
        .filter(Boolean),
      shareEmail,
    };
    const done = () => {
      if (!registration) setFields(empty);
      onDone?.();
    };
    if (registration) update.mutate({ id: registration.id, patch: body }, { onSuccess: done });
    else create.mutate(body, { onSuccess: done });
  };

  return (
    <form className="lti-form" onSubmit={submit} noValidate data-testid="lti-registration-form">
      {mutation.isError && !Object.keys(errors).length && (
        <Alert title="Not saved">
          <p>{errorMessage(mutation.error)}</p>
        </Alert>
      )}
      <TextField label="Name" value={fields.name} onChange={set('name')} error={errors.name} required />
      <TextField label="Issuer" value={fields.issuer} onChange={set('issuer')} error={errors.issuer} hint="For example https://canvas.instructure.com, or your Moodle site's address." inputMode="url" required />
      <TextField label="Client ID" value={fields.clientId} onChange={set('clientId')} error={errors.clientId} required />
      <TextAreaField label="Deployment IDs" value={fields.deploymentIds} onChange={set('deploymentIds')} error={errors.deploymentIds} hint="One per line." rows={2} required />
      <TextField label="Authentication request URL" value={fields.authLoginUrl} onChange={set('authLoginUrl')} error={errors.authLoginUrl} inputMode="url" required />
      <TextField label="Access token URL" value={fields.accessTokenUrl} onChange={set('accessTokenUrl')} error={errors.accessTokenUrl} inputMode="url" required />
      <TextField label="Public keyset URL" value={fields.keysetUrl} onChange={set('keysetUrl')} error={errors.keysetUrl} inputMode="url" required />
      <label className="lti-checkbox">
        <input type="checkbox" checked={shareEmail} onChange={(e) => setShareEmail(e.target.checked)} /> Keep the email the LMS sends (only if the school allows it)
      </label>
      <Button type="submit" pending={mutation.isPending} pendingLabel="Saving…">
        {registration ? 'Save changes' : 'Register platform'}
      </Button>
    </form>
  );
}
