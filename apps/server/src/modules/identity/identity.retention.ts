import { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Db, Tx } from '../../platform/db';
import { defineJob, type JobRunner, PERIODIC_JOBS_KEPT_MS, pruneFinishedRuns } from '../../platform/jobs';
import type { Logger } from '../../platform/logger';
import type { IdentityRepo } from './identity.repo';

/** The periodic sweep that deletes expired log-in links (decision 020); failed log-ins go by the retention schedule (073). */
export const LOGIN_RETENTION_QUEUE = defineJob('identity.login_retention', z.object({ slot: z.iso.datetime() }));
export const LOGIN_RETENTION_EVERY_MS = 3_600_000;
/** A log-in link that has expired is useless; kept a day after (for "that link has expired" support questions). */
export const EXPIRED_LINKS_KEPT_MS = 86_400_000;

/** The sweep job for the time slot `at` falls in: one per slot however many processes enqueue it (dedupe key). */
async function scheduleLoginRetention(db: Db | Tx, at: Date): Promise<void> {
  const slot = new Date(Math.floor(at.getTime() / LOGIN_RETENTION_EVERY_MS) * LOGIN_RETENTION_EVERY_MS);
  await LOGIN_RETENTION_QUEUE.enqueue(db, { slot: slot.toISOString() }, { dedupeKey: `${LOGIN_RETENTION_QUEUE.queue}:${slot.toISOString()}`, now: at, runAt: slot });
}

/**
 * Deletes log-in links a day after they expired, every hour, so the table does not grow for ever. Failed log-ins (the
 * record of attacks on an account) are deleted by the daily retention job after RETAIN_FAILED_LOGINS_DAYS (decision 073).
 */
export function createLoginRetention(deps: { repo: IdentityRepo; db: Db; clock: Clock; logger: Logger }) {
  const { repo, db, clock, logger } = deps;
  async function sweep(): Promise<{ links: number }> {
    const links = await repo.pruneExpiredLoginLinks(new Date(clock.now().getTime() - EXPIRED_LINKS_KEPT_MS));
    if (links) logger.info({ event: 'login_links_pruned', links }, 'expired log-in links deleted');
    return { links };
  }
  return {
    sweep,
    /** Registers the queue and makes sure a run is queued; each run queues the next and prunes old runs. */
    async install(jobs: JobRunner) {
      jobs.register(LOGIN_RETENTION_QUEUE, async () => {
        await scheduleLoginRetention(db, new Date(clock.now().getTime() + LOGIN_RETENTION_EVERY_MS));
        await pruneFinishedRuns(db, LOGIN_RETENTION_QUEUE, new Date(clock.now().getTime() - PERIODIC_JOBS_KEPT_MS));
        await sweep();
      });
      await scheduleLoginRetention(db, clock.now());
    },
  };
}
