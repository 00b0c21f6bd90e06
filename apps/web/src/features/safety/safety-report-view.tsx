import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../lib/api';
import { formatDateTime, formatTime } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { TextAreaField } from '../../ui/field';
import { PageError, PageLoading } from '../../ui/page-states';
import { useCloseReport, useSafetyReport } from './use-safety';
import { pairOriginals } from './pair-originals';
import { categoryShort, sourceWords } from './words';
import './safety.css';

/** One report for ops: who, what, the session's chat with what was hidden from the student, and closing it. */
export function SafetyReportView({ id }: { id: string }) {
  const report = useSafetyReport(id);
  const close = useCloseReport(id);
  const [resolution, setResolution] = useState('');
  if (report.isPending) return <PageLoading label="Loading the report…" />;
  if (report.isError) return <PageError error={report.error} onRetry={() => void report.refetch()} />;
  const r = report.data;
  const names: Record<string, string> = { [r.reporter.id]: r.reporter.displayName, [r.reported.id]: r.reported.displayName };
  const { lines, unpaired } = pairOriginals(r.chat, r.contactAttempts);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (resolution.trim()) close.mutate(resolution.trim(), { onSuccess: () => void report.refetch() });
  };

  return (
    <div className="stack" data-testid="safety-report" data-status={r.status}>
      <h1 id="safety-report-title">
        {categoryShort[r.category]} {r.severe && <span className="badge-severe">Severe</span>}
      </h1>
      <dl className="safety-facts">
        <dt>Reported</dt>
        <dd data-testid="safety-reported">
          {r.reported.displayName} ({r.reported.role})
        </dd>
        <dt>By</dt>
        <dd data-testid="safety-reporter">
          {r.reporter.displayName} ({r.reporter.role}){r.blocked ? ', who blocked them' : ''}
        </dd>
        <dt>When</dt>
        <dd>
          <time dateTime={r.createdAt}>{formatDateTime(r.createdAt)}</time>, {sourceWords[r.source]}
        </dd>
        <dt>Session</dt>
        <dd>
          <Link to={r.sessionLink} data-testid="safety-session-link">
            Open the session
          </Link>
        </dd>
        <dt>Status</dt>
        <dd data-testid="safety-status">{r.status === 'open' ? 'Open: the session’s evidence is kept' : `Closed${r.closedAt ? ` ${formatDateTime(r.closedAt)}` : ''}: ${r.resolution ?? ''}`}</dd>
      </dl>
      {r.text && (
        <blockquote className="card safety-quote" data-testid="safety-text">
          {r.text}
        </blockquote>
      )}

      <section aria-labelledby="safety-chat-title" className="stack">
        <h2 id="safety-chat-title">Chat</h2>
        {lines.length === 0 ? (
          <p className="empty">No chat in this session.</p>
        ) : (
          <ol className="safety-chat" data-testid="safety-chat">
            {lines.map(({ message, original }, i) => (
              <li key={i} data-testid="safety-chat-line">
                <p className="muted">
                  {names[message.senderId] ?? 'Someone'} · <time dateTime={message.sentAt}>{formatTime(message.sentAt)}</time>
                </p>
                <p>{message.text ?? '(a photo)'}</p>
                {original && (
                  <p className="safety-original" data-testid="safety-original">
                    Hidden from the student: {original}
                  </p>
                )}
              </li>
            ))}
          </ol>
        )}
        {unpaired.length > 0 && (
          <ul className="safety-chat">
            {unpaired.map((a, i) => (
              <li key={i} className="safety-original" data-testid="safety-original">
                {names[a.senderId] ?? 'Someone'} tried to share ({a.categories.join(', ')}): {a.original}
              </li>
            ))}
          </ul>
        )}
      </section>

      {r.status === 'open' && (
        <form className="form stack" onSubmit={submit} data-testid="safety-close">
          <TextAreaField label="Resolution" hint="What you found and did: it goes to the audit log, and the session's hold is released." rows={3} maxLength={2000} value={resolution} onChange={(e) => setResolution(e.target.value)} />
          {close.isError && (
            <Alert tone="error" title="Not closed">
              <p>{errorMessage(close.error)}</p>
            </Alert>
          )}
          <Button type="submit" disabled={!resolution.trim()} pending={close.isPending} pendingLabel="Closing…" data-testid="safety-close-submit">
            Close the report
          </Button>
        </form>
      )}
    </div>
  );
}
