import { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { defineJob, type JobRunner, PERIODIC_JOBS_KEPT_MS, pruneFinishedRuns } from '../../platform/jobs';
import type { Logger } from '../../platform/logger';
import { LONG_CALL_GRACE_MS, longCallAt } from './safety.rules';
import type { SafetyService } from './safety.service';

/** The periodic look for minors' calls running long (#20). */
export const LONG_CALL_SWEEP_QUEUE = defineJob('safety.long_call_sweep', z.object({ slot: z.iso.datetime() }));
export const LONG_CALL_SWEEP_EVERY_MS = 60_000;
const PAGE = 500;

async function scheduleSweep(db: Db, at: Date) {
  const slot = new Date(Math.floor(at.getTime() / LONG_CALL_SWEEP_EVERY_MS) * LONG_CALL_SWEEP_EVERY_MS);
  await LONG_CALL_SWEEP_QUEUE.enqueue(db, { slot: slot.toISOString() }, { dedupeKey: `${LONG_CALL_SWEEP_QUEUE.queue}:${slot.toISOString()}`, now: at, runAt: slot });
}

export interface LongCallSweepDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  safety: SafetyService;
  /** Open sessions that started before a time, oldest first (rooms' index). */
  openSessionsStartedBefore(before: Date, limit: number): Promise<{ id: string; studentId: string; tutorId: string; bookingId: string | null; startedAt: Date }[]>;
  /** The booked end of these bookings (scheduling's index). */
  bookedEnds(bookingIds: readonly string[]): Promise<Map<string, Date>>;
  minors(ids: readonly string[]): Promise<Set<string>>;
}

/**
 * Every minute: open calls of minors past their booked end (an instant call: its start plus the expected length) plus
 * 30 minutes are flagged and ops alerted, once per session (the flag's dedupe key). Time from the injected clock.
 */
export function createLongCallSweep(deps: LongCallSweepDeps) {
  const { db, clock, logger, safety } = deps;
  async function sweep(): Promise<number> {
    const now = clock.now();
    // No call can be long before it has run at least the grace.
    const open = await deps.openSessionsStartedBefore(new Date(now.getTime() - LONG_CALL_GRACE_MS), PAGE);
    if (!open.length) return 0;
    const [ends, minors] = await Promise.all([deps.bookedEnds(open.flatMap((s) => (s.bookingId ? [s.bookingId] : []))), deps.minors(open.map((s) => s.studentId))]);
    let raised = 0;
    for (const s of open) {
      if (!minors.has(s.studentId)) continue;
      const bookedEnd = s.bookingId ? (ends.get(s.bookingId) ?? null) : null;
      if (longCallAt({ startedAt: s.startedAt, bookedEnd }).getTime() > now.getTime()) continue;
      const expectedEnd = new Date(longCallAt({ startedAt: s.startedAt, bookedEnd }).getTime() - LONG_CALL_GRACE_MS);
      if (await safety.longCall({ id: s.id, studentId: s.studentId, tutorId: s.tutorId, expectedEnd })) raised++;
    }
    if (raised) logger.info({ event: 'long_call_sweep', raised }, 'long calls with minors flagged');
    return raised;
  }
  return {
    sweep,
    async install(jobs: JobRunner) {
      jobs.register(LONG_CALL_SWEEP_QUEUE, async () => {
        await scheduleSweep(db, new Date(clock.now().getTime() + LONG_CALL_SWEEP_EVERY_MS));
        await pruneFinishedRuns(db, LONG_CALL_SWEEP_QUEUE, new Date(clock.now().getTime() - PERIODIC_JOBS_KEPT_MS));
        await sweep();
      });
      await scheduleSweep(db, clock.now());
    },
  };
}
