import type { GuardianChild } from '@tutorline/contracts';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { TextField } from '../../ui/field';
import { useSetSharing } from './use-guardians';

/**
 * Sharing with third parties (#20, COPPA 2025), apart from the main consent and off until given: the guardian reads the
 * exact text for the change they are making (give or withdraw), types their name and ticks the box.
 */
export function SharingCard({ child }: { child: GuardianChild }) {
  const set = useSetSharing(child.id);
  const [fullName, setFullName] = useState('');
  const [agreed, setAgreed] = useState(false);
  const s = child.sharing;
  const next = !s.given;
  const text = next ? s.giveText : s.withdrawText;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (agreed) set.mutate({ given: next, fullName, agreed: true, textVersion: s.textVersion, text }, { onSuccess: () => setAgreed(false) });
  };
  return (
    <section className="guardian-method" aria-labelledby={`sharing-${child.id}`} data-testid="guardian-sharing">
      <h3 id={`sharing-${child.id}`}>Sharing with your child’s school</h3>
      <p className="guardian-status" data-testid="guardian-sharing-status">
        {s.given ? `You agreed ${s.at ? formatDateTime(s.at) : ''}: grades and activity go to the school’s learning platform.` : 'Not shared. Grades and activity stay on Tutorline.'}
      </p>
      <form className="form" onSubmit={submit} noValidate>
        <blockquote className="guardian-declaration">{text}</blockquote>
        <TextField label="Your full name" autoComplete="name" value={fullName} onChange={(e) => setFullName(e.target.value)} />
        <label className="check">
          <input type="checkbox" checked={agreed} onChange={(e) => setAgreed(e.target.checked)} /> I have read the statement above.
        </label>
        {set.isError && <Alert>{errorMessage(set.error)}</Alert>}
        <Button type="submit" variant={next ? 'secondary' : 'danger'} pending={set.isPending} pendingLabel="Saving…" disabled={!agreed || fullName.trim().length < 2}>
          {next ? 'Agree to sharing' : 'Withdraw sharing'}
        </Button>
      </form>
    </section>
  );
}
