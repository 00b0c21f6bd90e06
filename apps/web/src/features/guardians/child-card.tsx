import type { GuardianChild } from '@tutorline/contracts';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../lib/api';
import { formatDateTime, formatDuration, formatMoney } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { TextField } from '../../ui/field';
import { CardMethod, CardOutcome } from './card-method';
import { SharingCard } from './sharing-card';
import { useConsent, useRevoke, useSendCode, useSetControls } from './use-guardians';

/** One child on the guardian's page: the consent step while pending, then activity and controls. */
export function ChildCard({ child }: { child: GuardianChild }) {
  return (
    <article className="card guardian-child" data-testid="guardian-child" aria-labelledby={`child-${child.id}`}>
      <h2 id={`child-${child.id}`}>{child.displayName}</h2>
      <p className="muted">
        {child.age !== null ? `Age ${child.age}` : 'Age not given'} · {child.country ?? 'no country given'} · {child.timeZone}
      </p>
      {child.status === 'consented' ? (
        <>
          <p className="guardian-status guardian-status-ok" data-testid="guardian-status">
            Consent given {child.consentAt ? formatDateTime(child.consentAt) : ''}
          </p>
          <CardOutcome cardCheck={child.cardCheck} />
          <Activity child={child} />
          <Controls child={child} />
          <SharingCard child={child} />
        </>
      ) : (
        <ConsentStep child={child} />
      )}
    </article>
  );
}

function ConsentStep({ child }: { child: GuardianChild }) {
  const sendCode = useSendCode(child.id);
  const consent = useConsent(child.id);
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [fullName, setFullName] = useState('');
  const [agreed, setAgreed] = useState(false);
  const send = (e: FormEvent) => {
    e.preventDefault();
    sendCode.mutate(phone.replace(/[\s-]/g, ''));
  };
  const give = (e: FormEvent) => {
    e.preventDefault();
    if (agreed) consent.mutate({ code: code.trim(), fullName, agreed: true, declarationVersion: child.declarationVersion, declarationText: child.declarationText });
  };
  const signed = agreed && fullName.trim().length >= 2 ? { fullName, agreed } : null;
  return (
    <div className="guardian-consent">
      <p className="guardian-status" data-testid="guardian-status">
        {child.status === 'revoked' ? 'You withdrew consent.' : 'Waiting for your consent.'} Until a guardian consents, {child.displayName} can browse tutors but cannot ask, book or join calls.
      </p>
      <section className="guardian-method" aria-labelledby={`sign-${child.id}`}>
        <h3 id={`sign-${child.id}`}>Read and sign</h3>
        <blockquote className="guardian-declaration" data-testid="guardian-declaration">
          {child.declarationText}
        </blockquote>
        <TextField label="Your full name" autoComplete="name" value={fullName} hint="Typing your name signs the declaration above." onChange={(e) => setFullName(e.target.value)} />
        <label className="check">
          <input type="checkbox" checked={agreed} onChange={(e) => setAgreed(e.target.checked)} /> I have read and agree to the declaration above.
        </label>
      </section>
      <p className="muted">Then show that you are the adult giving consent, in one of two ways.</p>
      <section className="guardian-method" aria-labelledby={`code-${child.id}`}>
        <h3 id={`code-${child.id}`}>Verify by WhatsApp</h3>
        <p>We send a one-time code to your own WhatsApp number.</p>
        <form className="form" onSubmit={send} noValidate>
          <TextField label="Your WhatsApp number" type="tel" inputMode="tel" autoComplete="tel" value={phone} hint="With the country code, e.g. +919812345678. It must be your own number, not your child's." onChange={(e) => setPhone(e.target.value)} />
          {sendCode.isError && <Alert>{errorMessage(sendCode.error)}</Alert>}
          <Button type="submit" variant="secondary" pending={sendCode.isPending} pendingLabel="Sending…">
            {sendCode.isSuccess ? 'Send a new code' : 'Send me a code'}
          </Button>
        </form>
        {sendCode.isSuccess && (
          <form className="form" onSubmit={give} noValidate>
            <Alert tone="success">We sent a 6-digit code to your WhatsApp. It works for 10 minutes.</Alert>
            <TextField label="Code" inputMode="numeric" autoComplete="one-time-code" maxLength={6} value={code} onChange={(e) => setCode(e.target.value)} />
            {consent.isError && <Alert>{errorMessage(consent.error)}</Alert>}
            <Button type="submit" pending={consent.isPending} pendingLabel="Saving…" disabled={!signed || code.trim().length !== 6}>
              Give consent
            </Button>
            {!signed && <p className="muted">Sign the declaration above first.</p>}
          </form>
        )}
      </section>
      <CardMethod child={child} signed={signed} />
    </div>
  );
}

function Activity({ child }: { child: GuardianChild }) {
  return (
    <section aria-label={`${child.displayName}'s sessions`}>
      <h3>Sessions, lessons and classes</h3>
      {child.activity.length === 0 ? (
        <p className="empty">Nothing yet in the last 90 days.</p>
      ) : (
        <ul className="guardian-activity">
          {child.activity.map((a) => (
            <li key={a.id} data-testid="guardian-activity">
              <p>
                <strong>{a.title}</strong> with {a.tutorName}
              </p>
              <p className="muted">
                <time dateTime={a.startedAt}>{formatDateTime(a.startedAt)}</time>
                {a.minutes !== null ? ` · ${formatDuration(a.minutes)}` : ''}
                {a.rating !== null ? ` · rated ${a.rating}/5` : ''}
              </p>
              {a.tutorNote && <p className="guardian-note">Tutor’s note: {a.tutorNote}</p>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Controls({ child }: { child: GuardianChild }) {
  const save = useSetControls(child.id);
  const revoke = useRevoke(child.id);
  const c = child.controls;
  const [limit, setLimit] = useState(c.monthlyLimitMinor !== null ? String(c.monthlyLimitMinor / 100) : '');
  const [from, setFrom] = useState(c.allowedFrom ?? '');
  const [to, setTo] = useState(c.allowedTo ?? '');
  const [recording, setRecording] = useState(c.recordingAllowed);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const amount = limit.trim() === '' ? null : Math.round(Number(limit) * 100);
    save.mutate({ monthlyLimitMinor: amount !== null && Number.isFinite(amount) ? amount : null, allowedFrom: from || null, allowedTo: to || null, recordingAllowed: recording });
  };
  return (
    <section aria-label="Limits">
      <h3>Limits</h3>
      <p className="muted">Spent this month on lessons: {formatMoney(child.spentThisMonthMinor, 'INR')}</p>
      <form className="form" onSubmit={submit} noValidate>
        <TextField label="Monthly spending limit (₹)" inputMode="decimal" value={limit} hint="Empty: no limit. Bookings that would go over it are refused." onChange={(e) => setLimit(e.target.value)} />
        <div className="guardian-hours">
          <TextField label="Allowed from" type="time" value={from} onChange={(e) => setFrom(e.target.value)} />
          <TextField label="until" type="time" value={to} hint={`In ${child.displayName}'s time (${child.timeZone}).`} onChange={(e) => setTo(e.target.value)} />
        </div>
        <label className="check">
          <input type="checkbox" checked={recording} onChange={(e) => setRecording(e.target.checked)} /> Allow class recordings to include {child.displayName}
        </label>
        {save.isError && <Alert>{errorMessage(save.error)}</Alert>}
        {save.isSuccess && <Alert tone="success">Saved. The new limits apply from now on.</Alert>}
        <Button type="submit" pending={save.isPending} pendingLabel="Saving…">
          Save limits
        </Button>
      </form>
      <Button variant="danger" pending={revoke.isPending} onClick={() => revoke.mutate()}>
        Withdraw consent
      </Button>
      {revoke.isError && <Alert>{errorMessage(revoke.error)}</Alert>}
    </section>
  );
}
