import { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { defineJob, type JobRunner, PERIODIC_JOBS_KEPT_MS, pruneFinishedRuns } from '../../platform/jobs';
import { ERASE_ACCOUNT_QUEUE, type ErasureService } from './privacy.erasure';
import type { PrivacyService } from './privacy.service';

/** Builds one export (the runner claims it once across nodes; the dedupe key is the export's id). */
export const BUILD_EXPORT_QUEUE = defineJob('privacy.build_export', z.object({ exportId: z.uuid() }));
/** Deletes the ZIPs of expired exports, hourly. */
export const EXPORT_SWEEP_QUEUE = defineJob('privacy.export_sweep', z.object({ slot: z.iso.datetime() }));
export const EXPORT_SWEEP_EVERY_MS = 3_600_000;

async function scheduleSweep(db: Db, at: Date) {
  const slot = new Date(Math.floor(at.getTime() / EXPORT_SWEEP_EVERY_MS) * EXPORT_SWEEP_EVERY_MS);
  await EXPORT_SWEEP_QUEUE.enqueue(db, { slot: slot.toISOString() }, { dedupeKey: `${EXPORT_SWEEP_QUEUE.queue}:${slot.toISOString()}`, now: at, runAt: slot });
}

export async function installPrivacyJobs(jobs: JobRunner, deps: { db: Db; clock: Clock; privacy: PrivacyService }) {
  const { db, clock, privacy } = deps;
  jobs.register(BUILD_EXPORT_QUEUE, async ({ exportId }) => privacy.build(exportId));
  jobs.register(EXPORT_SWEEP_QUEUE, async () => {
    await scheduleSweep(db, new Date(clock.now().getTime() + EXPORT_SWEEP_EVERY_MS));
    await pruneFinishedRuns(db, EXPORT_SWEEP_QUEUE, new Date(clock.now().getTime() - PERIODIC_JOBS_KEPT_MS));
    await privacy.sweep();
  });
  await scheduleSweep(db, clock.now());
}

/** Queues an erase run for every due request that no job ran (one per slot across nodes), hourly. */
export const ERASURE_SWEEP_QUEUE = defineJob('privacy.erasure_sweep', z.object({ slot: z.iso.datetime() }));
export const ERASURE_SWEEP_EVERY_MS = 3_600_000;

async function scheduleErasureSweep(db: Db, at: Date) {
  const slot = new Date(Math.floor(at.getTime() / ERASURE_SWEEP_EVERY_MS) * ERASURE_SWEEP_EVERY_MS);
  await ERASURE_SWEEP_QUEUE.enqueue(db, { slot: slot.toISOString() }, { dedupeKey: `${ERASURE_SWEEP_QUEUE.queue}:${slot.toISOString()}`, now: at, runAt: slot });
}

/**
 * The erase job (decision 077): queued at the end of the grace period; a cancelled request, or a job that fires
 * before the grace period is over, makes it a no-op. The hourly sweep runs what no job did.
 */
export async function installErasureJobs(jobs: JobRunner, deps: { db: Db; clock: Clock; erasure: ErasureService }) {
  const { db, clock, erasure } = deps;
  jobs.register(ERASE_ACCOUNT_QUEUE, async ({ requestId }) => erasure.run(requestId));
  jobs.register(ERASURE_SWEEP_QUEUE, async ({ slot }) => {
    await scheduleErasureSweep(db, new Date(clock.now().getTime() + ERASURE_SWEEP_EVERY_MS));
    await pruneFinishedRuns(db, ERASURE_SWEEP_QUEUE, new Date(clock.now().getTime() - PERIODIC_JOBS_KEPT_MS));
    await erasure.queueDue(new Date(slot));
  });
  await scheduleErasureSweep(db, clock.now());
}
