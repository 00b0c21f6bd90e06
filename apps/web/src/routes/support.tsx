import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router';
import { RequireRole } from '../features/auth';
import { areaShort, ReportProblemButton, statusWords, TicketThread, useMyTicket, useMyTickets, useWriteToSupport } from '../features/support';
import { errorMessage } from '../lib/api';
import { formatDateTime } from '../lib/format';
import { usePageTitle } from '../lib/page-title';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { TextAreaField } from '../ui/field';
import { PageError, PageLoading } from '../ui/page-states';
// The .tutor-row list style lives in the admin sheet; this page loads without the admin home (#21).
import '../features/admin/admin.css';
import '../features/support/support.css';

const everyone = ['student', 'tutor', 'course_staff', 'admin'] as const;

/** "My reports": the problems the user reported and support's answers. */
export function SupportPage() {
  return <RequireRole role={everyone}>{() => <MyReports />}</RequireRole>;
}

function MyReports() {
  usePageTitle('Help and my reports');
  const tickets = useMyTickets();
  return (
    <section className="page page-narrow" data-testid="my-reports" aria-labelledby="my-reports-title">
      <h1 id="my-reports-title">Help and my reports</h1>
      <p className="lead">Something not working? Tell us what happened; support answers here and on WhatsApp if it is linked.</p>
      <div className="ticket-actions">
        <ReportProblemButton />
        <Link className="btn btn-secondary" to="/check">
          Test my connection
        </Link>
      </div>
      {tickets.isPending ? (
        <PageLoading label="Loading your reports…" />
      ) : tickets.isError ? (
        <PageError error={tickets.error} onRetry={() => void tickets.refetch()} />
      ) : tickets.data.length === 0 ? (
        <p className="empty">You have not reported a problem.</p>
      ) : (
        <ul className="tutor-list">
          {tickets.data.map((t) => (
            <li key={t.id} className="tutor-row" data-testid="my-report">
              <div className="tutor-row-who">
                <p className="tutor-row-name">
                  <Link to={`/support/${t.id}`}>
                    {t.ref} · {t.areas.map((a) => areaShort[a]).join(', ')}
                  </Link>
                </p>
                <p className="tutor-row-meta">
                  {statusWords[t.status]} · reported <time dateTime={t.createdAt}>{formatDateTime(t.createdAt)}</time>
                </p>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function SupportTicketPage() {
  return <RequireRole role={everyone}>{() => <MyReport />}</RequireRole>;
}

function MyReport() {
  const { id = '' } = useParams();
  const ticket = useMyTicket(id);
  const write = useWriteToSupport(id);
  const [body, setBody] = useState('');
  usePageTitle(ticket.data ? `Report ${ticket.data.ref}` : 'Report');
  if (ticket.isPending) return <PageLoading label="Loading the report…" />;
  if (ticket.isError) return <PageError error={ticket.error} onRetry={() => void ticket.refetch()} />;
  const t = ticket.data;
  const send = (event: FormEvent) => {
    event.preventDefault();
    if (body.trim()) write.mutate(body.trim(), { onSuccess: () => setBody('') });
  };
  return (
    <section className="page page-narrow" data-testid="my-report-page" aria-labelledby="my-report-title">
      <p className="eyebrow">
        <Link to="/support">My reports</Link>
      </p>
      <h1 id="my-report-title">Report {t.ref}</h1>
      <p className="lead" data-testid="my-report-status">
        {statusWords[t.status]}
      </p>
      <dl className="ticket-facts">
        <dt>What</dt>
        <dd>{t.areas.map((a) => areaShort[a]).join(', ')}</dd>
        <dt>Reported</dt>
        <dd>{formatDateTime(t.createdAt)}</dd>
        {t.description && (
          <>
            <dt>You wrote</dt>
            <dd>{t.description}</dd>
          </>
        )}
      </dl>
      <TicketThread messages={t.messages} empty="Support has not answered yet. You will be told when they do." />
      <form className="form" onSubmit={send}>
        <TextAreaField label="Write to support" rows={3} maxLength={4000} value={body} onChange={(e) => setBody(e.target.value)} />
        {write.isError && (
          <Alert tone="error" title="Not sent">
            <p>{errorMessage(write.error)}</p>
          </Alert>
        )}
        <Button type="submit" pending={write.isPending} pendingLabel="Sending…" disabled={!body.trim()} data-testid="my-report-send">
          Send
        </Button>
      </form>
    </section>
  );
}
