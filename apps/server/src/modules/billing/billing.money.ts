import type { PayoutAdapter } from '../../integrations/payouts';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db';
import type { Logger } from '../../platform/logger';
import type { FxTable } from './earnings/earnings.rules';
import { createHelpBilling } from './earnings/earnings.service';
import { createTutorStatements } from './earnings/statement.service';
import { createEntitlementsRepo } from './entitlements/entitlements.repo';
import { createEntitlementsService } from './entitlements/entitlements.service';
import { createLedgerRepo } from './ledger/ledger.repo';
import { createLedgerService } from './ledger/ledger.service';
import { createRevenueReport } from './ledger/revenue.service';
import { createPayoutsRepo } from './payouts/payouts.repo';
import { createPayoutsService } from './payouts/payouts.service';
import { createPlansRepo } from './subscriptions/plans.repo';
import { createPlansService, seedPlans } from './subscriptions/plans.service';

export interface BillingMoneyConfig {
  commissionBps: number;
  payoutHoldDays: number;
  payoutMinMinor: Record<string, number>;
  /** Exchange rates for question earnings in a currency the subject has no rate in (decision 029). */
  fx?: FxTable | undefined;
  enforceEntitlements: boolean;
}

/** Wires the money side: the ledger (and the LedgerPort the provider side calls), entitlements, earnings, payouts, reports, plans. */
export function createBillingMoney(deps: {
  db: Db;
  clock: Clock;
  logger: Logger;
  config: BillingMoneyConfig;
  /** null: payouts are off (PAYOUT_PROVIDER=none); the runs pay nobody. */
  payoutAdapter: PayoutAdapter | null;
  /** Where a tutor's payouts go at the provider (their active payout account); null skips the tutor. Default: their user id. */
  destinationOf?: ((tutorId: string, adapter: string) => string | null | Promise<string | null>) | undefined;
}) {
  const { db, clock, logger, config } = deps;
  const ledgerRepo = createLedgerRepo(db);
  const ledger = createLedgerService({ repo: ledgerRepo, clock, logger, commissionBps: config.commissionBps });
  const entitlements = createEntitlementsService({ repo: createEntitlementsRepo(db), ledger, clock, logger, enforce: config.enforceEntitlements });
  const payoutsRepo = createPayoutsRepo(db);
  const payouts = createPayoutsService({
    repo: payoutsRepo,
    ledger,
    adapter: deps.payoutAdapter,
    clock,
    logger,
    holdDays: config.payoutHoldDays,
    minimums: config.payoutMinMinor,
    destinationOf: deps.destinationOf ?? ((tutorId) => tutorId),
  });
  const statements = createTutorStatements({ ledger: ledgerRepo, payouts: payoutsRepo, clock, holdDays: config.payoutHoldDays, minimums: config.payoutMinMinor });
  // What the routes serve of the ledger: tutors' balances and statements, admins' revenue.
  const reports = { ...statements, ...createRevenueReport({ ledger: ledgerRepo, clock }) };
  const plans = createPlansService({ repo: createPlansRepo(db), clock, logger });
  return { ledger, ledgerPort: ledger.port, entitlements, payouts, reports, plans, helpBilling: createHelpBilling({ ledger, entitlements, fx: config.fx ?? { rates: [], source: 'none' }, logger }) };
}
export type BillingMoney = ReturnType<typeof createBillingMoney>;

/** Demo question credits per demo student (npm start enforces entitlements; the demo students can ask at once). */
export const DEMO_CREDITS = 50;

/**
 * Demo billing: the demo plans (once), and DEMO_CREDITS question credits for each given student, granted once per
 * student (the key 'demo:credits:<id>' makes a restart a no-op).
 */
export async function seedDemoBilling(db: Db, studentIds: string[], at: Date, logger: Logger): Promise<void> {
  await seedPlans(db, at);
  const ledger = createLedgerService({ repo: createLedgerRepo(db), clock: { now: () => at }, logger, commissionBps: 0 });
  let granted = 0;
  for (const id of studentIds) {
    const r = await db.transaction((tx) => ledger.grantCredits(tx, id, DEMO_CREDITS, `demo:credits:${id}`, 'Demo question credits', at));
    if (r.created) granted++;
  }
  if (granted) logger.info({ event: 'demo_billing_seeded', students: granted, credits: DEMO_CREDITS }, 'demo plans and credits seeded');
}
