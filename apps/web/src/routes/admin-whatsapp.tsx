import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { RequireRole } from '../features/auth';
import { ApiError, api } from '../lib/api';
import { formatDateTime, plural } from '../lib/format';
import { usePageTitle } from '../lib/page-title';
import { PageError, PageLoading } from '../ui/page-states';
// The .tutor-row list style lives in the admin sheet; this page loads without the admin home (#21).
import '../features/admin/admin.css';

interface FailedMessage {
  id: string;
  waId: string;
  kind: string;
  attempts: number;
  error: Record<string, unknown> | null;
  updatedAt: string;
}

/** What the provider said, in one line (the outbox keeps { status, code, message } of the refusal). */
function errorWords(error: FailedMessage['error']): string {
  if (!error) return 'No reason recorded';
  const message = typeof error.message === 'string' && error.message ? error.message : null;
  const code = error.code ?? error.status;
  return [message, code !== undefined && code !== null ? `code ${String(code)}` : null].filter(Boolean).join(' · ') || 'Refused';
}

/** /admin/whatsapp (#18): outbound WhatsApp messages the provider refused, the list behind the ops Channels tile. */
export function AdminWhatsAppPage() {
  return <RequireRole role="admin">{() => <FailedMessages />}</RequireRole>;
}

function FailedMessages() {
  usePageTitle('WhatsApp failures');
  // Without WhatsApp configured the module, and so this list, is not installed: the server answers 404 (not retried).
  const failed = useQuery({
    queryKey: ['admin', 'whatsapp', 'failed'],
    queryFn: () => api.get<{ messages: FailedMessage[] }>('/api/admin/whatsapp/failed').then((r) => r.messages),
    retry: (count, error) => !(error instanceof ApiError && error.status === 404) && count < 3,
  });
  return (
    <section className="page page-medium" data-testid="admin-whatsapp" aria-labelledby="admin-whatsapp-title">
      <p className="eyebrow">
        <Link to="/ops">Operations</Link>
      </p>
      <h1 id="admin-whatsapp-title">WhatsApp messages that failed</h1>
      <p className="muted">Messages WhatsApp refused for good (not retried), newest first. Each person can still be reached in the app.</p>
      {failed.isPending ? (
        <PageLoading label="Loading failed messages…" />
      ) : failed.error instanceof ApiError && failed.error.status === 404 ? (
        <p className="empty" data-testid="wa-off">
          WhatsApp is not connected on this server, so no message was sent through it.
        </p>
      ) : failed.isError ? (
        <PageError error={failed.error} onRetry={() => void failed.refetch()} />
      ) : failed.data.length === 0 ? (
        <p className="empty">No message has failed.</p>
      ) : (
        <ul className="tutor-list">
          {failed.data.map((m) => (
            <li key={m.id} className="tutor-row" data-testid="wa-failed-row">
              <div className="tutor-row-who">
                <p className="tutor-row-name">
                  {m.kind} to +{m.waId}
                </p>
                <p className="tutor-row-meta">
                  {errorWords(m.error)} · {plural(m.attempts, { one: '# attempt', other: '# attempts' })} · {formatDateTime(m.updatedAt)}
                </p>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
