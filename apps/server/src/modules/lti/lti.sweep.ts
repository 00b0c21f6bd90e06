import { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Db, Tx } from '../../platform/db';
import { defineJob, type JobRunner, PERIODIC_JOBS_KEPT_MS, pruneFinishedRuns } from '../../platform/jobs';
import type { Logger } from '../../platform/logger';
import type { LtiRepo } from './lti.repo';

/** Deletes OIDC logins (state and nonce) an hour after they expired, every hour: a login never finished is useless. */
export const LTI_LOGIN_SWEEP_QUEUE = defineJob('lti.login_sweep', z.object({ slot: z.iso.datetime() }));
const EVERY_MS = 3_600_000;

async function scheduleSweep(db: Db | Tx, at: Date): Promise<void> {
  const slot = new Date(Math.floor(at.getTime() / EVERY_MS) * EVERY_MS);
  await LTI_LOGIN_SWEEP_QUEUE.enqueue(db, { slot: slot.toISOString() }, { dedupeKey: `${LTI_LOGIN_SWEEP_QUEUE.queue}:${slot.toISOString()}`, now: at, runAt: slot });
}

export async function installLoginSweep(deps: { jobs: JobRunner; repo: LtiRepo; db: Db; clock: Clock; logger: Logger }) {
  const { jobs, repo, db, clock, logger } = deps;
  jobs.register(LTI_LOGIN_SWEEP_QUEUE, async () => {
    await scheduleSweep(db, new Date(clock.now().getTime() + EVERY_MS));
    await pruneFinishedRuns(db, LTI_LOGIN_SWEEP_QUEUE, new Date(clock.now().getTime() - PERIODIC_JOBS_KEPT_MS));
    const gone = await repo.deleteLoginsBefore(new Date(clock.now().getTime() - EVERY_MS));
    if (gone) logger.info({ event: 'lti_logins_pruned', count: gone }, 'expired LTI logins deleted');
  });
  await scheduleSweep(db, clock.now());
}
