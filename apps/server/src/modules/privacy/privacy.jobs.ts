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

/** The erase job (decision 077): queued at the end of the grace period; a cancelled request makes it a no-op. */
export function installErasureJob(jobs: JobRunner, erasure: ErasureService) {
  jobs.register(ERASE_ACCOUNT_QUEUE, async ({ requestId }) => erasure.run(requestId));
}
