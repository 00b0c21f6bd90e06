import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { type JobRow, jobsInState, retryFailedJob } from '../../platform/jobs.admin';
import type { Logger } from '../../platform/logger';
import { type Fail, fail, ok, type Result } from '../../platform/result';
import { recordAudit } from '../audit';

export type RetryFailure = Fail<'not_found' | 'already_succeeded' | 'not_failed' | 'parked'>;

/** The platform tile's job actions: list failed jobs; an admin retries one, with its audit row in the same transaction. */
export function createJobsAdmin(deps: { db: Db; clock: Clock; logger: Logger }) {
  const { db, clock, logger } = deps;
  return {
    failed: (limit?: number): Promise<JobRow[]> => jobsInState(db, 'failed', limit),
    async retry(actor: { id: string; role: string }, jobId: string, reason: string | null): Promise<Result<JobRow, RetryFailure>> {
      const now = clock.now();
      const result = await db.transaction(async (tx) => {
        const r = await retryFailedJob(tx, jobId, now);
        if (!r.ok) return r;
        await recordAudit(tx, now, { actor, action: 'job.retry', object: { type: 'job', id: jobId }, reason, before: { state: r.before.state, attempts: r.before.attempts, lastError: r.before.lastError }, after: { state: r.after.state, maxAttempts: r.after.maxAttempts } });
        return r;
      });
      if (!result.ok) return fail(result.reason);
      logger.info({ event: 'job_retried', audit: true, jobId, queue: result.after.queue, by: actor.id }, 'failed job queued again by staff');
      return ok(result.after);
    },
  };
}
export type JobsAdmin = ReturnType<typeof createJobsAdmin>;
