import { errorMessage } from '../../lib/api';
import { formatDate } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { PageError, PageLoading } from '../../ui/page-states';
import { useBlockedTutors, useUnblock } from './use-safety';
import './safety.css';

/** A student's blocked tutors (#20), each with Unblock: a blocked tutor gets none of their questions and cannot be booked. */
export function BlockedTutors() {
  const blocks = useBlockedTutors();
  const unblock = useUnblock();
  if (blocks.isPending) return <PageLoading label="Loading blocked tutors…" />;
  if (blocks.isError) return <PageError error={blocks.error} onRetry={() => void blocks.refetch()} />;
  return (
    <div className="stack" data-testid="blocked-tutors">
      {unblock.isError && (
        <Alert tone="error" title="Not unblocked">
          <p>{errorMessage(unblock.error)}</p>
        </Alert>
      )}
      {blocks.data.length === 0 ? (
        <p className="empty" data-testid="blocked-none">
          You have not blocked anyone. You can block a tutor when you report them, from the session.
        </p>
      ) : (
        <ul className="safety-list">
          {blocks.data.map((b) => (
            <li key={b.tutorId} className="safety-row" data-testid="blocked-tutor">
              <div>
                <p className="safety-row-name">{b.displayName}</p>
                <p className="muted">
                  Blocked <time dateTime={b.createdAt}>{formatDate(b.createdAt)}</time>
                </p>
              </div>
              <Button
                variant="secondary"
                pending={unblock.isPending && unblock.variables === b.tutorId}
                pendingLabel="Unblocking…"
                aria-label={`Unblock ${b.displayName}`}
                data-testid="unblock"
                onClick={() => unblock.mutate(b.tutorId)}
              >
                Unblock
              </Button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
