import { useT } from '../../i18n';
import { errorMessage } from '../../lib/api';
import { formatBytes, formatDateTime } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { useDataExport, useRequestExport } from './use-data-export';
import './privacy.css';



/**
 * "Your data" in settings: ask for a ZIP of everything we keep (or of a child's, for a guardian), see it being prepared,
 * then the download link until it expires.
 */
export function DataExportCard({ userId = null, name = null }: { userId?: string | null; name?: string | null }) {
  const t = useT();
  const state = useDataExport(userId);
  const request = useRequestExport(userId);
  const latest = state.data?.latest ?? null;
  const pending = latest?.status === 'pending';
  const ready = latest?.status === 'ready' && latest.downloadUrl;
  const waitUntil = state.data?.nextAllowedAt ?? null;
  return (
    <section className="card data-export" data-testid="data-export" aria-labelledby={`data-export-${userId ?? 'me'}`}>
      <h2 id={`data-export-${userId ?? 'me'}`}>{name ? t('export.titleChild', { name }) : t('export.title')}</h2>
      <p className="data-export-lead">
        {name ? t('export.leadChild', { name }) : t('export.lead')}
      </p>
      {state.isPending ? (
        <p className="data-export-status" role="status">
          {t('photos.checking')}
        </p>
      ) : state.isError ? (
        <Alert tone="error">{errorMessage(state.error)}</Alert>
      ) : pending ? (
        <p className="data-export-status" role="status" data-testid="data-export-pending">
          <span className="spinner" aria-hidden="true" /> {name ? t('export.preparingChild', { name }) : t('export.preparing')}
        </p>
      ) : ready ? (
        <div className="data-export-ready" data-testid="data-export-ready">
          <a className="btn btn-primary" href={latest.downloadUrl!} download>
            {latest.bytes === null ? t('export.download') : t('export.downloadSize', { size: formatBytes(latest.bytes) })}
          </a>
          <p className="data-export-note">{t('export.readySince', { ready: formatDateTime(latest.readyAt!), expires: formatDateTime(latest.expiresAt!) })}</p>
        </div>
      ) : latest?.status === 'failed' ? (
        <Alert tone="warning">{t('export.failed')}</Alert>
      ) : null}
      {!pending && !state.isPending && (
        <div className="data-export-actions">
          <Button variant={ready ? 'secondary' : 'primary'} pending={request.isPending} pendingLabel={t('export.asking')} disabled={waitUntil !== null} onClick={() => request.mutate()} data-testid="data-export-request">
            {latest ? t('export.again') : name ? t('export.requestChild', { name }) : t('export.request')}
          </Button>
          {waitUntil && <p className="data-export-note">{t('export.oncePerDay', { next: formatDateTime(waitUntil) })}</p>}
        </div>
      )}
      {request.isError && <Alert tone="error">{errorMessage(request.error)}</Alert>}
    </section>
  );
}
