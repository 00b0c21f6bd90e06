import { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Db, Tx } from '../../platform/db';
import { defineJob, type JobRunner, PERIODIC_JOBS_KEPT_MS, pruneFinishedRuns } from '../../platform/jobs';
import { CONVERT_QUEUE, type RecordingsService } from './recordings.service';

/** The periodic sweep that deletes recordings past RECORDING_RETENTION_DAYS (rows and files). */
export const RETENTION_SWEEP_QUEUE = defineJob('recordings.retention_sweep', z.object({ slot: z.iso.datetime() }));
export const RETENTION_SWEEP_EVERY_MS = 3_600_000;

export async function scheduleRetentionSweep(db: Db | Tx, at: Date): Promise<void> {
  const slot = new Date(Math.floor(at.getTime() / RETENTION_SWEEP_EVERY_MS) * RETENTION_SWEEP_EVERY_MS);
  await RETENTION_SWEEP_QUEUE.enqueue(db, { slot: slot.toISOString() }, { dedupeKey: `${RETENTION_SWEEP_QUEUE.queue}:${slot.toISOString()}`, now: at, runAt: slot });
}

/** Registers the convert job and the retention sweep, and makes sure a sweep is queued. */
export async function installRecordingJobs(deps: { jobs: JobRunner; db: Db; clock: Clock; recordings: RecordingsService }): Promise<void> {
  const { jobs, db, clock, recordings } = deps;
  jobs.register(CONVERT_QUEUE, async ({ recordingId }) => {
    await recordings.convert(recordingId);
  });
  jobs.register(RETENTION_SWEEP_QUEUE, async () => {
    await scheduleRetentionSweep(db, new Date(clock.now().getTime() + RETENTION_SWEEP_EVERY_MS));
    await pruneFinishedRuns(db, RETENTION_SWEEP_QUEUE, new Date(clock.now().getTime() - PERIODIC_JOBS_KEPT_MS));
    await recordings.sweep();
  });
  await scheduleRetentionSweep(db, clock.now());
}
