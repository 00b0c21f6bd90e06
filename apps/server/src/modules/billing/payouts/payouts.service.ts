import { randomUUID } from 'node:crypto';
import { type PayoutAdapter, PayoutRejected } from '../../../integrations/payouts';
import type { Clock } from '../../../platform/clock';
import { z } from 'zod';
import { defineJob, type JobRunner } from '../../../platform/jobs';
import { type Db, type Tx } from '../../../platform/db';
import { notFound } from '../../../platform/errors';
import type { Logger } from '../../../platform/logger';
import { accounts, payoutEntries } from '../ledger/ledger.rules';
import type { LedgerService } from '../ledger/ledger.service';
import type { PayoutRow, PayoutsRepo } from './payouts.repo';
import { cutoffFor, mayMove, meetsMinimum, payableAmount, type PayoutStatus } from './payouts.rules';

/** Why a tutor is not paid: they have no active account with the payout provider (shown to them and to finance). */
export const NO_ACCOUNT = 'no active payout account: add where your money goes';
/** Why nobody is paid while PAYOUT_PROVIDER is none (or unset in production): payouts are off on this server. */
export const NOT_CONFIGURED = 'payouts are not set up on this server';

export const PAYOUT_QUEUE = defineJob('billing.payouts', z.object({ slot: z.iso.datetime() }));
const DAY_MS = 86_400_000;

/** The daily payout run, at 00:00 UTC of the day containing `at` (one job per day by its dedupe key). */
export async function schedulePayoutRun(db: Db | Tx, at: Date, now: Date): Promise<void> {
  const slot = new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
  await PAYOUT_QUEUE.enqueue(db, { slot: slot.toISOString() }, { dedupeKey: `${PAYOUT_QUEUE.queue}:${slot.toISOString()}`, now, runAt: slot });
}


export interface PayoutsDeps {
  repo: PayoutsRepo;
  ledger: LedgerService;
  /** null: payouts are off (PAYOUT_PROVIDER=none): every payable is skipped and nothing is taken from a balance. */
  adapter: PayoutAdapter | null;
  clock: Clock;
  logger: Logger;
  holdDays: number;
  minimums: Record<string, number>;
  /** Where a tutor's money goes at the provider (fund account, connected account); null: no active account, skipped. */
  destinationOf: (tutorId: string, adapter: string) => Promise<string | null> | string | null;
}

/**
 * Payout runs. Crash safety comes from three keys:
 *   1. a run is resumed while it is 'running' (no second run starts before it finishes);
 *   2. a payout row and its ledger posting 'payout:<id>' are written in one transaction, and (run, tutor, currency)
 *      is unique, so a resumed run never creates a second payout for a payable;
 *   3. the adapter is called with the payout's id as the idempotency key, so a send repeated after a crash
 *      (before 'in_transit' was recorded) is the same payout at the provider.
 */
export function createPayoutsService(deps: PayoutsDeps) {
  const { repo, ledger, logger } = deps;

  async function send(p: PayoutRow) {
    const adapter = deps.adapter;
    if (!adapter) {
      // Made before payouts were turned off: the money goes back to the balance.
      await applyStatus(p.id, 'failed', null, NOT_CONFIGURED);
      return;
    }
    const destination = await deps.destinationOf(p.tutorId, adapter.name);
    if (!destination) {
      // The account was removed or restricted after the payout was made: the money goes back to the balance.
      await applyStatus(p.id, 'failed', null, NO_ACCOUNT);
      return;
    }
    try {
      const result = await adapter.send({ idempotencyKey: p.idempotencyKey, tutorId: p.tutorId, amountMinor: p.amountMinor, currency: p.currency, destination });
      await applyStatus(p.id, result.status, result.providerPayoutId, result.failureReason);
    } catch (err) {
      if (err instanceof PayoutRejected) {
        await applyStatus(p.id, 'failed', null, err.message);
        return;
      }
      // An outage: the payout stays pending and the run unfinished; the next run resumes it with the same key.
      logger.warn({ event: 'payout_send_failed', payoutId: p.id, tutorId: p.tutorId, err: err instanceof Error ? err.message : String(err) }, 'payout could not be sent; will retry');
      throw err;
    }
  }

  /** Moves a payout forward (never back). Failed: the in-transit posting is reversed, so the money is payable again. */
  async function applyStatus(payoutId: string, status: PayoutStatus, providerPayoutId: string | null, failureReason?: string) {
    const now = deps.clock.now();
    const moved = await repo.db.transaction(async (tx) => {
      const p = await repo.find(tx, payoutId, true);
      if (!p) throw notFound('That payout');
      if (p.status === status) return null;
      if (!mayMove(p.status, status)) {
        logger.warn({ event: 'payout_status_refused', payoutId, from: p.status, to: status }, 'payout status cannot move back');
        return null;
      }
      const row = await repo.move(tx, payoutId, p.status, { status, providerPayoutId: providerPayoutId ?? p.providerPayoutId, failureReason: failureReason ?? null, updatedAt: now });
      if (status === 'failed') {
        const posted = await ledger.repo.findByKey(tx, `payout:${payoutId}`);
        if (posted) await ledger.reverse(tx, posted.id, `payout failed: ${failureReason ?? 'unknown reason'}`, now);
      }
      if (status === 'paid') {
        await ledger.post(tx, {
          kind: 'payout_paid',
          idempotencyKey: `payout_paid:${payoutId}`,
          description: 'Payout arrived',
          occurredAt: now,
          entries: [
            { ...accounts.inTransit, amountMinor: p.amountMinor, currency: p.currency },
            { account: `payout_funding:${p.adapter}`, kind: 'clearing', amountMinor: -p.amountMinor, currency: p.currency },
          ],
          data: { payoutId, tutorId: p.tutorId },
        });
      }
      return { from: p.status, row: row! };
    });
    if (moved) logger.info({ event: 'payout_status_changed', payoutId, tutorId: moved.row.tutorId, from: moved.from, to: status, providerPayoutId, failureReason }, 'payout status changed');
  }

  const service = {
    /**
     * Pays every tutor payable at or above the minimum, counting earnings older than the hold period. Resumes an
     * unfinished run instead of starting another. Throws if a send fails for a reason worth retrying (the run stays open).
     */
    async runPayouts(now: Date = deps.clock.now()) {
      const run = await repo.db.transaction(async (tx) => {
        await repo.lockRuns(tx);
        const open = await repo.unfinishedRun(tx);
        if (open) return { run: open, resumed: true };
        return { run: await repo.insertRun(tx, cutoffFor(now, deps.holdDays), now), resumed: false };
      });
      const { id: runId, cutoffAt } = run.run;
      logger.info({ event: run.resumed ? 'payout_run_resumed' : 'payout_run_started', runId, cutoffAt: cutoffAt.toISOString() }, 'payout run');

      // 1. One payout row (and its ledger posting) per payable worth paying; a resumed run skips those it already has.
      const have = new Set((await repo.payoutsOfRun(repo.db, runId)).map((p) => `${p.tutorId}|${p.currency}`));
      const skipped: { tutorId: string; currency: string; reason: typeof NO_ACCOUNT | typeof NOT_CONFIGURED }[] = [];
      const adapter = deps.adapter;
      for (const s of await ledger.repo.payableSums(repo.db, cutoffAt)) {
        if (have.has(`${s.tutorId}|${s.currency}`)) continue;
        if (payableAmount(s) <= 0) continue;
        if (!adapter) {
          // Payouts are off: the balance stays whole and waits for PAYOUT_PROVIDER.
          skipped.push({ tutorId: s.tutorId, currency: s.currency, reason: NOT_CONFIGURED });
          logger.info({ event: 'payout_skipped_not_configured', runId, tutorId: s.tutorId, currency: s.currency, amountMinor: payableAmount(s), reason: NOT_CONFIGURED }, 'payouts are not set up on this server');
          continue;
        }
        if (!(await deps.destinationOf(s.tutorId, adapter.name))) {
          // Nothing is taken from the balance: it waits until the tutor adds where their money goes.
          skipped.push({ tutorId: s.tutorId, currency: s.currency, reason: NO_ACCOUNT });
          logger.info({ event: 'payout_skipped_no_account', runId, tutorId: s.tutorId, currency: s.currency, adapter: adapter.name }, 'tutor has no active payout account');
          continue;
        }
        await repo.db.transaction(async (tx) => {
          await ledger.repo.lockAccount(tx, s.accountId);
          const [fresh] = await ledger.repo.payableSums(tx, cutoffAt, { accountId: s.accountId });
          const amount = fresh ? payableAmount(fresh) : 0;
          if (!meetsMinimum(amount, s.currency, deps.minimums)) return;
          const id = randomUUID();
          const row = await repo.insertPayout(tx, { id, runId, tutorId: s.tutorId, currency: s.currency, amountMinor: amount, adapter: adapter.name, status: 'pending', idempotencyKey: id, createdAt: now, updatedAt: now });
          if (!row) return;
          await ledger.post(tx, { kind: 'payout', idempotencyKey: `payout:${id}`, description: 'Payout to your bank account', occurredAt: now, entries: payoutEntries(s.tutorId, amount, s.currency), data: { payoutId: id, runId, tutorId: s.tutorId } });
          logger.info({ event: 'payout_created', payoutId: id, runId, tutorId: s.tutorId, amountMinor: amount, currency: s.currency }, 'payout created');
        });
      }

      // 2. Send every pending payout of the run (the payout id is the idempotency key).
      for (const p of await repo.payoutsOfRun(repo.db, runId)) if (p.status === 'pending') await send(p);
      await repo.finishRun(repo.db, runId, deps.clock.now());
      const all = await repo.payoutsOfRun(repo.db, runId);
      logger.info({ event: 'payout_run_finished', runId, payouts: all.length, skipped: skipped.length }, 'payout run finished');
      return { runId, resumed: run.resumed, payouts: all, skipped };
    },

    applyStatus,

    /** A payout run every day (00:00 UTC), then a look at the provider's statuses of the last 30 days' payouts. */
    async installSchedule(jobs: Pick<JobRunner, 'register'>, db: Db) {
      jobs.register(PAYOUT_QUEUE, async () => {
        const now = deps.clock.now();
        await schedulePayoutRun(db, new Date(now.getTime() + DAY_MS), now);
        await service.runPayouts(now);
        await service.refreshStatuses(new Date(now.getTime() - 30 * DAY_MS));
      });
      await schedulePayoutRun(db, new Date(deps.clock.now().getTime() + DAY_MS), deps.clock.now());
    },

    /** Asks the provider about payouts still in transit and applies what it says (a periodic job). */
    async refreshStatuses(since: Date) {
      const adapter = deps.adapter;
      // Payouts off: no provider to ask (a payout sent before they were turned off keeps its last known status).
      if (!adapter) return;
      for (const p of await repo.inTransit(repo.db, since)) {
        if (!p.providerPayoutId) continue;
        const r = await adapter.status(p.providerPayoutId);
        if (r.status !== 'in_transit') await applyStatus(p.id, r.status, r.providerPayoutId, r.failureReason);
      }
    },

    async payout(id: string) {
      const p = await repo.find(repo.db, id);
      if (!p) throw notFound('That payout');
      return p;
    },
  };
  return service;
}
export type PayoutsService = ReturnType<typeof createPayoutsService>;
