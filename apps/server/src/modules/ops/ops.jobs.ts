import { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Db, Tx } from '../../platform/db';
import { defineJob, type JobRunner, PERIODIC_JOBS_KEPT_MS, pruneFinishedRuns } from '../../platform/jobs';
import { floorTo } from './ops.rules';
import type { Rollups } from './ops.service';

/** The periodic rollup job (decision 060): one per slot however many nodes enqueue it (dedupe key). */
export const ROLLUP_QUEUE = defineJob('ops.rollup', z.object({ slot: z.iso.datetime() }));
export const ROLLUP_EVERY_MS = 60_000;

async function scheduleRollup(db: Db | Tx, at: Date): Promise<void> {
  const slot = floorTo(at, ROLLUP_EVERY_MS);
  await ROLLUP_QUEUE.enqueue(db, { slot: slot.toISOString() }, { dedupeKey: `${ROLLUP_QUEUE.queue}:${slot.toISOString()}`, now: at, runAt: slot });
}

/** Registers the queue and queues the first run; each run queues the next, prunes old runs and catches the rollups up. */
export async function installRollupJob(deps: { jobs: JobRunner; db: Db; clock: Clock; rollups: Rollups }) {
  const { jobs, db, clock, rollups } = deps;
  jobs.register(ROLLUP_QUEUE, async () => {
    await scheduleRollup(db, new Date(clock.now().getTime() + ROLLUP_EVERY_MS));
    await pruneFinishedRuns(db, ROLLUP_QUEUE, new Date(clock.now().getTime() - PERIODIC_JOBS_KEPT_MS));
    return { written: await rollups.catchUp() };
  });
  await scheduleRollup(db, clock.now());
}
