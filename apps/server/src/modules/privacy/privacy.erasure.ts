import { randomUUID } from 'node:crypto';
import type { ErasureRequest, ErasureState } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { defineJob } from '../../platform/jobs';
import type { Logger } from '../../platform/logger';
import { type Fail, fail, ok, type Result } from '../../platform/result';
import type { ErasureCounts, UserEraser } from '../../platform/user-erasure';
import { z } from 'zod';
import type { AuthUser } from '../identity';
import type { ErasureRepo, ErasureRow } from './privacy.erasure.repo';
import { ERASURE_CLAIM_MS, erasureEffectiveAt, mayRunErasure } from './privacy.erasure.rules';

/** Erases one account once its grace period is over (run at `effectiveAt`, claimed once across nodes). */
export const ERASE_ACCOUNT_QUEUE = defineJob('privacy.erase_account', z.object({ requestId: z.uuid() }));

export interface ErasureDeps {
  db: Db;
  repo: ErasureRepo;
  clock: Clock;
  logger: Logger;
  /** Every module's eraser, in the order they run: identity's tombstone last. */
  erasers: readonly UserEraser[];
  /** The strings that identify the user in others' messages (identity's erasureMentions), read before erasing. */
  mentionsOf(userId: string): Promise<string[]>;
  /** Clears what finished jobs hold about the user (platform jobs). */
  clearJobs(userId: string, mentions: readonly string[]): Promise<number>;
  isGuardianOf(caller: AuthUser, childId: string): Promise<boolean>;
}

export type ErasureRefusal = Fail<'not_your_child'> | Fail<'erasure_pending'>;
export type CancelRefusal = Fail<'not_your_child'> | Fail<'nothing_to_cancel'>;

const view = (row: ErasureRow): ErasureRequest => ({
  id: row.id,
  userId: row.userId,
  status: row.status,
  requestedAt: row.requestedAt.toISOString(),
  effectiveAt: row.effectiveAt.toISOString(),
  cancelledAt: row.cancelledAt?.toISOString() ?? null,
});

/** Erasure (issue #20, decision 077): ask, a 14-day cancellable grace period, then the job that calls every module's eraser. */
export function createErasureService(deps: ErasureDeps) {
  const { db, repo, clock, logger } = deps;
  const mayActFor = async (caller: AuthUser, userId: string) => caller.id === userId || (await deps.isGuardianOf(caller, userId));
  const stateOf = async (userId: string): Promise<ErasureState> => {
    const row = await repo.pendingOf(userId);
    return { pending: row ? view(row) : null };
  };

  return {
    async state(caller: AuthUser, userId: string): Promise<Result<ErasureState, Fail<'not_your_child'>>> {
      if (!(await mayActFor(caller, userId))) return fail('not_your_child');
      return ok(await stateOf(userId));
    },

    /** Starts the grace period; the erase job is queued for its end in the same transaction. */
    async request(caller: AuthUser, userId: string): Promise<Result<ErasureState, ErasureRefusal>> {
      if (!(await mayActFor(caller, userId))) return fail('not_your_child');
      const now = clock.now();
      const id = randomUUID();
      const effectiveAt = erasureEffectiveAt(now);
      const row = await db.transaction(async (tx) => {
        const inserted = await repo.insertPending(tx, { id, userId, requestedBy: caller.id, requestedAt: now, effectiveAt });
        if (inserted) await ERASE_ACCOUNT_QUEUE.enqueue(tx, { requestId: id }, { dedupeKey: `${ERASE_ACCOUNT_QUEUE.queue}:${id}`, now, runAt: effectiveAt });
        return inserted;
      });
      if (!row) return fail('erasure_pending');
      logger.info({ event: 'erasure_requested', audit: true, requestId: id, userId, requestedBy: caller.id, effectiveAt: effectiveAt.toISOString() }, 'account erasure requested');
      return ok(await stateOf(userId));
    },

    /** Cancels the pending request during its grace period (the queued job then finds nothing to do). */
    async cancel(caller: AuthUser, userId: string): Promise<Result<ErasureState, CancelRefusal>> {
      if (!(await mayActFor(caller, userId))) return fail('not_your_child');
      const row = await repo.cancel(userId, caller.id, clock.now());
      if (!row) return fail('nothing_to_cancel');
      logger.info({ event: 'erasure_cancelled', audit: true, requestId: row.id, userId, cancelledBy: caller.id }, 'account erasure cancelled');
      return ok(await stateOf(userId));
    },

    /**
     * The job: every module's eraser in order, then done with the counts. A job that fires before the grace period
     * is over does nothing (the sweep runs the request once it is due). The run holds the request meanwhile, so a
     * second job or the sweep cannot run it at the same time, and a cancel comes too late. A second run (a retry
     * after a crash, or the job run twice) finds the rows already erased and changes nothing more.
     */
    async run(requestId: string): Promise<'erased' | 'skipped'> {
      const row = await repo.byId(requestId);
      const now = clock.now();
      const verdict = row ? mayRunErasure(row, now) : ({ run: false, reason: 'not_pending' } as const);
      const skip = (reason: string) => {
        logger.info({ event: 'erasure_skipped', requestId, reason }, 'account erasure not run');
        return 'skipped' as const;
      };
      if (!row || !verdict.run) return skip(verdict.run ? 'missing' : verdict.reason);
      if (!(await repo.claim(row.id, now, new Date(now.getTime() + ERASURE_CLAIM_MS)))) return skip('running_elsewhere');
      try {
        const counts: Record<string, ErasureCounts> = {};
        const mentions = await deps.mentionsOf(row.userId);
        for (const eraser of deps.erasers) {
          const removed = await eraser.eraseFor(row.userId, mentions);
          if (Object.keys(removed).length) counts[eraser.module] = removed;
        }
        const jobs = await deps.clearJobs(row.userId, mentions);
        if (jobs) counts.platform = { jobs };
        await repo.markDone(row.id, clock.now(), counts);
        logger.info({ event: 'erasure_done', audit: true, requestId: row.id, userId: row.userId, counts, ms: clock.now().getTime() - now.getTime() }, 'account erased');
        return 'erased';
      } catch (err) {
        // The job's retry (or the next sweep) starts again; every eraser skips what is already gone.
        await repo.release(row.id);
        throw err;
      }
    },

    /**
     * The sweep: queues an erase run for every request that is due and that no run holds, whatever became of its
     * own job (it fired early, failed, or was lost). `slot` names the sweep, so each queues a request at most once.
     */
    async queueDue(slot: Date): Promise<number> {
      const due = await repo.due(clock.now(), 500);
      if (!due.length) return 0;
      const items = due.map((r) => ({ payload: { requestId: r.id }, dedupeKey: `${ERASE_ACCOUNT_QUEUE.queue}:${r.id}:${slot.toISOString()}` }));
      await ERASE_ACCOUNT_QUEUE.enqueueMany(db, items, { now: clock.now() });
      logger.info({ event: 'erasure_sweep', queued: due.length }, 'due account erasures queued');
      return due.length;
    },
  };
}
export type ErasureService = ReturnType<typeof createErasureService>;
