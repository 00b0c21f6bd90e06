import type { AdminSession } from '@tutorline/contracts';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../lib/api';
import { formErrorsOf } from '../../lib/form-errors';
import { formatDateTime, plural } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { TextField } from '../../ui/field';
import { PageLoading } from '../../ui/page-states';
import { useEndSession, useOpenSessions } from './use-admin-sessions';
import './admin.css';

/** Open sessions for Ops: who, since when, last activity, and ending a stuck one with a reason (kept on its timeline). */
export function OpenSessions() {
  const sessions = useOpenSessions();
  return (
    <section className="card" aria-labelledby="sessions-title" data-testid="admin-open-sessions">
      <div className="card-head">
        <h2 id="sessions-title">Open sessions</h2>
        {sessions.data && <span className="muted">{plural(sessions.data.length, { other: '# open' })}</span>}
      </div>
      <p className="muted">Instant-help rooms that both people left end by themselves after a few minutes. End one here only if it is stuck.</p>
      {sessions.isPending && <PageLoading label="Loading sessions…" />}
      {sessions.isError && (
        <Alert tone="error" title="Sessions could not be loaded">
          <p>{errorMessage(sessions.error)}</p>
          <Button variant="secondary" onClick={() => void sessions.refetch()}>
            Try again
          </Button>
        </Alert>
      )}
      {sessions.data?.length === 0 && <p className="empty">No session is open.</p>}
      {!!sessions.data?.length && (
        <ul className="tutor-list" aria-busy={sessions.isFetching || undefined}>
          {sessions.data.map((s) => (
            <SessionRow key={s.id} session={s} />
          ))}
        </ul>
      )}
    </section>
  );
}

function SessionRow({ session }: { session: AdminSession }) {
  const end = useEndSession();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const nameId = `session-${session.id}-name`;
  const errors = formErrorsOf(end.error, ['reason']);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    end.mutate({ sessionId: session.id, reason: reason.trim() });
  };

  return (
    <li className="tutor-row" data-testid="admin-session-row" data-session-id={session.id}>
      <div className="tutor-row-who">
        <p className="tutor-row-name" id={nameId}>
          {session.tutor.displayName} with {session.student.displayName}
        </p>
        <p className="tutor-row-meta">
          {session.kind === 'instant' ? 'Instant help' : 'Booked lesson'} · started {formatDateTime(session.startedAt, { year: true })}
        </p>
        <p className="tutor-row-meta">{session.lastActivityAt ? `Last activity ${formatDateTime(session.lastActivityAt, { year: true })}` : 'Nobody has joined the room'}</p>
        <Link to={`/session/${session.id}`}>Observe</Link>
      </div>
      {!open && (
        <div className="tutor-row-actions">
          <Button variant="danger" className="btn-small" aria-describedby={nameId} onClick={() => setOpen(true)} data-testid="end-session">
            End…
          </Button>
        </div>
      )}
      {open && (
        <form className="form" onSubmit={submit} noValidate aria-describedby={nameId}>
          <TextField
            label="Reason"
            value={reason}
            maxLength={500}
            error={errors.fields.reason}
            hint="Why end it? Kept on the session's timeline."
            data-testid="end-session-reason"
            onChange={(e) => setReason(e.target.value)}
          />
          {end.isError && !errors.fields.reason && (
            <Alert tone="error" title="The session was not ended">
              <p>{errorMessage(end.error)}</p>
            </Alert>
          )}
          <div className="tutor-row-actions">
            <Button type="submit" variant="danger" className="btn-small" pending={end.isPending} pendingLabel="Ending…" data-testid="end-session-confirm">
              End session
            </Button>
            <Button variant="ghost" className="btn-small" onClick={() => setOpen(false)}>
              Cancel
            </Button>
          </div>
        </form>
      )}
    </li>
  );
}
