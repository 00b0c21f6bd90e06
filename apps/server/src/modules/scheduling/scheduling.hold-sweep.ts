import { z } from 'zod';
import type { Db, Tx } from '../../platform/db';
import { defineJob } from '../../platform/jobs';

export const HOLD_SWEEP_QUEUE = defineJob('scheduling.hold_sweep', z.object({}));
/** How often lapsed holds are swept (they stop blocking slots the moment they lapse; the sweep tidies the rows). */
export const HOLD_SWEEP_MINUTES = 5;

/** Queues the next hold sweep at the next whole HOLD_SWEEP_MINUTES; one job per period however many processes ask. */
export async function scheduleHoldSweep(db: Db | Tx, now: Date) {
  const period = HOLD_SWEEP_MINUTES * 60_000;
  const runAt = new Date((Math.floor(now.getTime() / period) + 1) * period);
  await HOLD_SWEEP_QUEUE.enqueue(db, {}, { now, runAt, dedupeKey: `scheduling-hold-sweep:${runAt.toISOString()}` });
}
