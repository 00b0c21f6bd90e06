import type { TicketStatus } from '@tutorline/contracts';
import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router';
import { RequireRole } from '../features/auth';
import { areaShort, deviceWords, networkWords, type QueueFilter, staffStatusWords, TicketThread, useStaffTicket, useTicketAction, useTicketQueue, workedBeforeWords } from '../features/support';
import { errorMessage } from '../lib/api';
import { formatDateTime, formatDuration, plural } from '../lib/format';
import { usePageTitle } from '../lib/page-title';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { SelectField, TextAreaField } from '../ui/field';
import { PageError, PageLoading } from '../ui/page-states';
// The .tutor-row list style lives in the admin sheet; this page loads without the admin home (#21).
import '../features/admin/admin.css';
import '../features/support/support.css';

/** Support's ticket queue (#18): open, waiting and solved, by holder. */
export function AdminSupportPage() {
  return <RequireRole role="admin">{() => <Queue />}</RequireRole>;
}

function Queue() {
  usePageTitle('Support tickets');
  const [filter, setFilter] = useState<QueueFilter>({ status: 'open' });
  const queue = useTicketQueue(filter);
  return (
    <section className="page page-medium" data-testid="admin-support" aria-labelledby="admin-support-title">
      <p className="eyebrow">Support</p>
      <h1 id="admin-support-title">Tickets</h1>
      <p>
        <Link to="/admin/people">Find a person</Link> by name, email, phone, question or session id.
      </p>
      <div className="ticket-filters">
        <SelectField label="Status" value={filter.status ?? ''} onChange={(e) => setFilter({ ...filter, status: (e.target.value || undefined) as TicketStatus | undefined })}>
          <option value="">All</option>
          {(Object.keys(staffStatusWords) as TicketStatus[]).map((s) => (
            <option key={s} value={s}>
              {staffStatusWords[s]}
            </option>
          ))}
        </SelectField>
        <SelectField label="Held by" value={filter.assignee ?? ''} onChange={(e) => setFilter({ ...filter, assignee: (e.target.value || undefined) as QueueFilter['assignee'] })}>
          <option value="">Anyone</option>
          <option value="me">Me</option>
          <option value="none">Nobody</option>
        </SelectField>
      </div>
      {queue.isPending ? (
        <PageLoading label="Loading tickets…" />
      ) : queue.isError ? (
        <PageError error={queue.error} onRetry={() => void queue.refetch()} />
      ) : queue.data.length === 0 ? (
        <p className="empty">No ticket matches.</p>
      ) : (
        <ul className="tutor-list">
          {queue.data.map((t) => (
            <li key={t.id} className="tutor-row" data-testid="ticket-row">
              <div className="tutor-row-who">
                <p className="tutor-row-name">
                  <Link to={`/admin/support/${t.id}`}>
                    {t.ref} · {t.areas.map((a) => areaShort[a]).join(', ')}
                  </Link>
                </p>
                <p className="tutor-row-meta">
                  {t.reporter.displayName} ({t.reporter.role}) · {staffStatusWords[t.status]} · {t.assignee ? `held by ${t.assignee.displayName}` : 'unassigned'} · {plural(t.messageCount, { one: '# message', other: '# messages' })} ·{' '}
                  <time dateTime={t.updatedAt}>{formatDateTime(t.updatedAt)}</time>
                </p>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function AdminSupportTicketPage() {
  return <RequireRole role="admin">{(me) => <StaffTicketView meId={me.id} />}</RequireRole>;
}

function StaffTicketView({ meId }: { meId: string }) {
  const { id = '' } = useParams();
  const ticket = useStaffTicket(id);
  const act = useTicketAction(id);
  const [body, setBody] = useState('');
  usePageTitle(ticket.data ? `Ticket ${ticket.data.ref}` : 'Ticket');
  if (ticket.isPending) return <PageLoading label="Loading the ticket…" />;
  if (ticket.isError) return <PageError error={ticket.error} onRetry={() => void ticket.refetch()} />;
  const t = ticket.data;
  const busy = (kind: 'note' | 'assign' | 'status') => act.isPending && act.variables?.kind === kind;
  const note = (reply: boolean) => (event?: FormEvent) => {
    event?.preventDefault();
    if (body.trim()) act.mutate({ kind: 'note', body: body.trim(), reply }, { onSuccess: () => setBody('') });
  };
  return (
    <section className="page page-medium" data-testid="admin-ticket" aria-labelledby="admin-ticket-title">
      <p className="eyebrow">
        <Link to="/admin/support">Tickets</Link>
      </p>
      <h1 id="admin-ticket-title">
        Ticket {t.ref} · <span data-testid="admin-ticket-status">{staffStatusWords[t.status]}</span>
      </h1>
      <dl className="ticket-facts" data-testid="ticket-facts">
        <dt>From</dt>
        <dd>
          {t.reporter.displayName} ({t.reporter.role})
        </dd>
        <dt>Held by</dt>
        <dd>{t.assignee?.displayName ?? 'nobody'}</dd>
        <dt>What</dt>
        <dd>{t.areas.map((a) => areaShort[a]).join(', ')}</dd>
        <dt>Device</dt>
        <dd>
          {deviceWords[t.device]} · {networkWords[t.network]} · {workedBeforeWords[t.workedBefore]}
        </dd>
        {t.diagnostics && (
          <>
            <dt>Browser</dt>
            <dd data-testid="ticket-browser">{[t.diagnostics.browser, t.diagnostics.os, t.diagnostics.device].filter(Boolean).join(' · ')}</dd>
          </>
        )}
        {t.description && (
          <>
            <dt>They wrote</dt>
            <dd>{t.description}</dd>
          </>
        )}
        {t.checkReportId && (
          <>
            <dt>Connection check</dt>
            <dd>
              <Link to={`/admin/check/${t.checkReportId}`}>{t.checkReportId}</Link>
            </dd>
          </>
        )}
        {t.session && (
          <>
            <dt>The call</dt>
            <dd data-testid="ticket-call">
              <Link to={`/admin/sessions/${t.session.sessionId}`} data-testid="ticket-session-link">
                session
              </Link>{' '}
              · {formatDuration(Math.round(t.session.connectedSeconds / 60))} together · {plural(t.session.reconnects, { one: '# reconnect', other: '# reconnects' })} ·{' '}
              {plural(t.session.mediaFailures, { one: '# media failure', other: '# media failures' })} · {t.session.candidateTypes.join(', ') || 'never connected'}
              {t.session.lastQuality && ` · last sample ${JSON.stringify(t.session.lastQuality)}`}
            </dd>
          </>
        )}
      </dl>
      <div className="ticket-actions">
        {t.assignee?.id !== meId && (
          <Button variant="secondary" onClick={() => act.mutate({ kind: 'assign', assigneeId: meId })} pending={busy('assign')} disabled={act.isPending} data-testid="ticket-take">
            Take it
          </Button>
        )}
        {t.status !== 'solved' ? (
          <Button variant="secondary" onClick={() => act.mutate({ kind: 'status', status: 'solved' })} pending={busy('status')} disabled={act.isPending} data-testid="ticket-solve">
            Mark solved
          </Button>
        ) : (
          <Button variant="secondary" onClick={() => act.mutate({ kind: 'status', status: 'open' })} pending={busy('status')} disabled={act.isPending}>
            Reopen
          </Button>
        )}
      </div>
      <TicketThread messages={t.messages} empty="No messages yet." />
      <form className="form" onSubmit={note(true)}>
        <TextAreaField label="Reply or note" rows={4} maxLength={4000} value={body} onChange={(e) => setBody(e.target.value)} hint="A reply goes to the user in the app and on WhatsApp when linked; a note stays with support." />
        {act.isError && (
          <Alert tone="error" title="Not done">
            <p>{errorMessage(act.error)}</p>
          </Alert>
        )}
        <div className="ticket-actions">
          <Button type="submit" pending={busy('note')} pendingLabel="Sending…" disabled={!body.trim() || act.isPending} data-testid="ticket-reply">
            Send reply
          </Button>
          <Button variant="secondary" onClick={() => note(false)()} disabled={!body.trim() || act.isPending} data-testid="ticket-note">
            Add internal note
          </Button>
        </div>
      </form>
    </section>
  );
}
