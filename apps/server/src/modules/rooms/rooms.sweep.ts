import type { Clock } from '../../platform/clock';
import type { Db, Tx } from '../../platform/db';
import { z } from 'zod';
import { defineJob, type JobRunner, PERIODIC_JOBS_KEPT_MS, pruneFinishedRuns } from '../../platform/jobs';
import type { Logger } from '../../platform/logger';
import { isAbandoned } from './rooms.rules';
import type { RoomsService } from './rooms.service';

/** The queue of the periodic sweep that ends instant-help sessions both people left without pressing End. */
export const ABANDONED_SWEEP_QUEUE = defineJob('rooms.abandoned_sweep', z.object({ slot: z.iso.datetime() }));
/** How often the sweep runs: an abandoned session ends at most this long after its grace period. */
export const ABANDONED_SWEEP_EVERY_MS = 60_000;
const PAGE = 200;

/** The sweep job for the time slot `at` falls in: one per slot however many processes enqueue it (dedupe key). */
export async function scheduleAbandonedSweep(db: Db | Tx, at: Date): Promise<void> {
  const slot = new Date(Math.floor(at.getTime() / ABANDONED_SWEEP_EVERY_MS) * ABANDONED_SWEEP_EVERY_MS);
  await ABANDONED_SWEEP_QUEUE.enqueue(db, { slot: slot.toISOString() }, { dedupeKey: `${ABANDONED_SWEEP_QUEUE.queue}:${slot.toISOString()}`, now: at, runAt: slot });
}

/**
 * Ends open instant-help sessions whose participants have all been gone for `graceMs`: no participant socket in the
 * room on any node, and no call event (join, leave, quality sample…) since. While such a session is open its tutor
 * gets no questions. Ending is the same conditional update as a participant's End, so a race with one is harmless.
 */
export function createAbandonedSweep(deps: { rooms: RoomsService; clock: Clock; logger: Logger; graceMs: number }) {
  const { rooms, clock, logger, graceMs } = deps;

  async function sweep(): Promise<{ ended: number }> {
    const now = clock.now();
    const quietSince = new Date(now.getTime() - graceMs);
    let ended = 0;
    let after: { startedAt: Date; id: string } | undefined;
    for (;;) {
      const page = await rooms.quietInstantSessions(quietSince, PAGE, after);
      for (const { session, lastActivityAt } of page) {
        try {
          const inRoom = await rooms.participantInRoom(session.id);
          if (!isAbandoned({ kind: session.kind, status: session.status, startedAt: session.startedAt, lastActivityAt }, inRoom, now, graceMs)) continue;
          if (await rooms.endForPlatform(session.id, { reason: 'abandoned' })) ended++;
        } catch (err) {
          // One session's failure must not hold up the others; the next sweep tries it again.
          logger.error({ err, event: 'abandoned_session_end_failed', sessionId: session.id }, 'could not end an abandoned session');
        }
      }
      if (page.length < PAGE) break;
      after = { startedAt: page.at(-1)!.session.startedAt, id: page.at(-1)!.session.id };
    }
    if (ended) logger.info({ event: 'abandoned_sessions_ended', ended, graceMs }, 'abandoned sessions ended');
    return { ended };
  }

  return {
    sweep,
    /** Registers the sweep's queue and makes sure one is queued; each run queues the next and prunes old runs. */
    async install(jobs: JobRunner, db: Db) {
      jobs.register(ABANDONED_SWEEP_QUEUE, async () => {
        await scheduleAbandonedSweep(db, new Date(clock.now().getTime() + ABANDONED_SWEEP_EVERY_MS));
        await pruneFinishedRuns(db, ABANDONED_SWEEP_QUEUE, new Date(clock.now().getTime() - PERIODIC_JOBS_KEPT_MS));
        await sweep();
      });
      await scheduleAbandonedSweep(db, clock.now());
    },
  };
}
export type AbandonedSweep = ReturnType<typeof createAbandonedSweep>;
