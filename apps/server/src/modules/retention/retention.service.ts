import { z } from 'zod';
import type { RetentionSchedule } from '../../config';
import type { Clock } from '../../platform/clock';
import type { Db, Tx } from '../../platform/db';
import { defineJob, type JobRunner, PERIODIC_JOBS_KEPT_MS, pruneFinishedRuns } from '../../platform/jobs';
import type { Logger } from '../../platform/logger';
import { addCounts, noneRemoved, type RetentionCount, type RetentionCut } from '../../platform/retention';

/** The daily retention run (issue #20, decision 073): one per UTC day however many nodes queue it (dedupe key). */
export const RETENTION_QUEUE = defineJob('retention.daily', z.object({ slot: z.iso.datetime() }));
export const RETENTION_EVERY_MS = 86_400_000;

/** The kinds of data the schedule names, each with the key of its period in the schedule. */
export const RETENTION_KINDS = {
  question_photos: 'questionPhotosMs',
  chat: 'chatMs',
  recordings: 'recordingsMs',
  call_diagnostics: 'callDiagnosticsMs',
  check_reports: 'checkReportsMs',
  failed_logins: 'failedLoginsMs',
  push_subscriptions: 'pushSubscriptionsMs',
  notices: 'noticesMs',
  finished_jobs: 'finishedJobsMs',
} as const satisfies Record<string, keyof RetentionSchedule>;
export type RetentionKind = keyof typeof RETENTION_KINDS;

/** One module's own retention function for one kind, reached through that module's index.ts. */
export interface RetentionStep {
  kind: RetentionKind;
  /** Which module's data (for the log). */
  source: string;
  run: (cut: RetentionCut) => Promise<RetentionCount>;
}

/** What a run removed, per kind, and when. */
export interface RetentionReport {
  at: string;
  kinds: Record<RetentionKind, RetentionCount & { keptDays: number }>;
  /** Steps that failed (their kind's other steps still ran); the next day's run tries again. */
  failed: string[];
}

async function scheduleRetention(db: Db | Tx, at: Date): Promise<void> {
  const slot = new Date(Math.floor(at.getTime() / RETENTION_EVERY_MS) * RETENTION_EVERY_MS);
  await RETENTION_QUEUE.enqueue(db, { slot: slot.toISOString() }, { dedupeKey: `${RETENTION_QUEUE.queue}:${slot.toISOString()}`, now: at, runAt: slot });
}

/**
 * Runs every module's retention step with the cut-off its kind's period gives, at the injected clock's time, and
 * logs and returns what was removed. Each module deletes its own rows and files and skips what `held` names.
 */
export function createRetention(deps: { steps: RetentionStep[]; schedule: RetentionSchedule; held: RetentionCut['held']; clock: Clock; logger: Logger }) {
  const { steps, schedule, held, clock, logger } = deps;

  async function run(): Promise<RetentionReport> {
    const now = clock.now();
    const kinds = Object.fromEntries(Object.entries(RETENTION_KINDS).map(([kind, key]) => [kind, { ...noneRemoved(), keptDays: schedule[key] / 86_400_000 }])) as RetentionReport['kinds'];
    const failed: string[] = [];
    for (const step of steps) {
      const cut: RetentionCut = { now, before: new Date(now.getTime() - schedule[RETENTION_KINDS[step.kind]]), held };
      try {
        const count = await step.run(cut);
        kinds[step.kind] = { ...addCounts(kinds[step.kind], count), keptDays: kinds[step.kind].keptDays };
      } catch (err) {
        // One module's failure must not keep the others' data past its time.
        failed.push(`${step.kind}:${step.source}`);
        logger.error({ err, event: 'retention_step_failed', kind: step.kind, source: step.source }, 'a retention step failed; the next run tries again');
      }
    }
    const report: RetentionReport = { at: now.toISOString(), kinds, failed };
    logger.info({ event: 'retention_completed', ...report }, 'retention run: old personal data removed');
    return report;
  }

  return {
    run,
    /** Registers the daily queue and makes sure today's run is queued; each run queues the next and prunes old runs. */
    async install(jobs: JobRunner, db: Db) {
      jobs.register(RETENTION_QUEUE, async () => {
        await scheduleRetention(db, new Date(clock.now().getTime() + RETENTION_EVERY_MS));
        await pruneFinishedRuns(db, RETENTION_QUEUE, new Date(clock.now().getTime() - PERIODIC_JOBS_KEPT_MS));
        await run();
      });
      await scheduleRetention(db, clock.now());
    },
  };
}
export type Retention = ReturnType<typeof createRetention>;
