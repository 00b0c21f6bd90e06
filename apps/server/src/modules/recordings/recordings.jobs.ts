import { z } from 'zod';
import { defineJob, type JobRunner } from '../../platform/jobs';
import { CONVERT_QUEUE, type RecordingsService } from './recordings.service';

/**
 * The hourly retention sweep of earlier versions. Retention now runs in the daily retention job (decision 073), which
 * honours safety holds; the queue stays registered so a run queued before the upgrade finishes as a no-op.
 */
export const RETENTION_SWEEP_QUEUE = defineJob('recordings.retention_sweep', z.object({ slot: z.iso.datetime() }));

/** Registers the convert job (and the retired sweep's queue). */
export function installRecordingJobs(deps: { jobs: JobRunner; recordings: RecordingsService }): void {
  const { jobs, recordings } = deps;
  jobs.register(CONVERT_QUEUE, async ({ recordingId }) => {
    await recordings.convert(recordingId);
  });
  jobs.register(RETENTION_SWEEP_QUEUE, async () => {});
}
