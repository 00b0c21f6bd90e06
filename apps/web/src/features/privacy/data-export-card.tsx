import { errorMessage } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { useDataExport, useRequestExport } from './use-data-export';
import './privacy.css';

const size = (bytes: number | null) => (bytes === null ? '' : bytes < 1_000_000 ? ` (${Math.max(1, Math.round(bytes / 1000))} KB)` : ` (${(bytes / 1_000_000).toFixed(1)} MB)`);

/**
 * "Your data" in settings: ask for a ZIP of everything we keep (or of a child's, for a guardian), see it being prepared,
 * then the download link until it expires.
 */
export function DataExportCard({ userId = null, name = null }: { userId?: string | null; name?: string | null }) {
  const state = useDataExport(userId);
  const request = useRequestExport(userId);
  const whose = name ? `${name}'s` : 'your';
  const latest = state.data?.latest ?? null;
  const pending = latest?.status === 'pending';
  const ready = latest?.status === 'ready' && latest.downloadUrl;
  const waitUntil = state.data?.nextAllowedAt ?? null;
  return (
    <section className="card data-export" data-testid="data-export" aria-labelledby={`data-export-${userId ?? 'me'}`}>
      <h2 id={`data-export-${userId ?? 'me'}`}>{name ? `${name}'s data` : 'Your data'}</h2>
      <p className="data-export-lead">
        Download a copy of {whose} profile, questions and photos, sessions and chat, lessons, payments and messages, as one ZIP file. We tell you here, and by
        WhatsApp or email, when it is ready. The link works for 7 days.
      </p>
      {state.isPending ? (
        <p className="data-export-status" role="status">
          Checking…
        </p>
      ) : state.isError ? (
        <Alert tone="error">{errorMessage(state.error)}</Alert>
      ) : pending ? (
        <p className="data-export-status" role="status" data-testid="data-export-pending">
          <span className="spinner" aria-hidden="true" /> Preparing {whose} data… This can take a few minutes; you can leave this page.
        </p>
      ) : ready ? (
        <div className="data-export-ready" data-testid="data-export-ready">
          <a className="btn btn-primary" href={latest.downloadUrl!} download>
            Download ZIP{size(latest.bytes)}
          </a>
          <p className="data-export-note">Ready since {formatDateTime(latest.readyAt!)}. The link stops working on {formatDateTime(latest.expiresAt!)}.</p>
        </div>
      ) : latest?.status === 'failed' ? (
        <Alert tone="warning">We could not prepare the last export. Please ask again.</Alert>
      ) : null}
      {!pending && !state.isPending && (
        <div className="data-export-actions">
          <Button variant={ready ? 'secondary' : 'primary'} pending={request.isPending} pendingLabel="Asking…" disabled={waitUntil !== null} onClick={() => request.mutate()} data-testid="data-export-request">
            {latest ? 'Ask for a new export' : name ? `Export ${name}'s data` : 'Export my data'}
          </Button>
          {waitUntil && <p className="data-export-note">You can ask for one export a day: the next from {formatDateTime(waitUntil)}.</p>}
        </div>
      )}
      {request.isError && <Alert tone="error">{errorMessage(request.error)}</Alert>}
    </section>
  );
}
