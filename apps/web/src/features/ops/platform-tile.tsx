import type { OpsSummary } from '@tutorline/contracts';
import { errorMessage } from '../../lib/api';
import { formatDateTime, formatNumber } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { NodesTable, Tile } from './ops-tiles';
import { useFailedJobs, useRetryJob } from './use-ops';

/** Jobs waiting and failed (with a retry for admins, refused by the server for a job that succeeded) and the nodes. */
export function PlatformTile({ s, isAdmin }: { s: OpsSummary; isAdmin: boolean }) {
  const failed = useFailedJobs();
  const retry = useRetryJob();
  return (
    <Tile id="platform" title="The platform" to="/ops#failed-jobs">
      <div className="ops-figures">
        <div className="ops-figure">
          <span className="ops-figure-value">{formatNumber(s.platform.jobs.backlog)}</span>
          <span className="ops-figure-label">jobs waiting</span>
        </div>
        <div className="ops-figure">
          <span className="ops-figure-value">{formatNumber(s.platform.jobs.failed)}</span>
          <span className="ops-figure-label">jobs failed</span>
        </div>
      </div>
      <NodesTable s={s} />
      <h3 id="failed-jobs" className="ops-subhead">
        Failed jobs
      </h3>
      {retry.isError && (
        <Alert tone="error" title="Not retried">
          <p>{errorMessage(retry.error)}</p>
        </Alert>
      )}
      {failed.data?.length === 0 && <p className="muted">No failed job.</p>}
      {!!failed.data?.length && (
        <ul className="ops-jobs">
          {failed.data.slice(0, 10).map((j) => (
            <li key={j.id} className="ops-job" data-testid="failed-job">
              <span className="ops-wrap">
                <strong>{j.queue}</strong> · {formatNumber(j.attempts)} tries{j.finishedAt ? ` · ${formatDateTime(j.finishedAt)}` : ''}
                <br />
                <span className="muted ops-wrap">{j.lastError ?? ''}</span>
              </span>
              {isAdmin && (
                <Button variant="secondary" className="btn-small" pending={retry.isPending && retry.variables === j.id} onClick={() => retry.mutate(j.id)}>
                  Retry
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
    </Tile>
  );
}
