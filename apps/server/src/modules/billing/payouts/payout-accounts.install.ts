import type { PayoutsConfig } from '../../../config';
import { createFakePayouts, createRazorpayXAccounts, createRazorpayXAdapter, createStripeConnectAccounts, createStripeConnectAdapter, type PayoutAdapter } from '../../../integrations/payouts';
import type { Clock } from '../../../platform/clock';
import type { Db } from '../../../platform/db';
import type { Logger } from '../../../platform/logger';
import { createPayoutAccountsRepo } from './payout-accounts.repo';
import { createPayoutAccountsService } from './payout-accounts.service';

/**
 * The payout adapter and the payout accounts service the configuration selects (PAYOUT_PROVIDER, decision 090). 'none':
 * no adapter at all (a test's stand-in included), so nothing can pay a tutor while payouts are off.
 */
export function createPayoutSide(o: { config: PayoutsConfig | undefined; db: Db; clock: Clock; logger: Logger; publicUrl: string; adapter?: PayoutAdapter | undefined }) {
  const config: PayoutsConfig = o.config ?? { provider: 'fake' };
  const adapter: PayoutAdapter | null =
    config.provider === 'none'
      ? null
      : (o.adapter ??
    (config.provider === 'razorpayx'
      ? createRazorpayXAdapter({ baseUrl: config.baseUrl, keyId: config.keyId, keySecret: config.keySecret, accountNumber: config.accountNumber })
      : config.provider === 'stripe-connect'
        ? createStripeConnectAdapter({ baseUrl: config.baseUrl, secretKey: config.secretKey })
        : createFakePayouts()));
  const accounts = createPayoutAccountsService({
    repo: createPayoutAccountsRepo(o.db),
    config,
    clock: o.clock,
    logger: o.logger,
    publicUrl: o.publicUrl,
    razorpayx: config.provider === 'razorpayx' ? createRazorpayXAccounts(config) : undefined,
    connect: config.provider === 'stripe-connect' ? createStripeConnectAccounts(config) : undefined,
  });
  return { adapter, accounts };
}
