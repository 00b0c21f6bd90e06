import type { ErasureRules } from '../../platform/user-erasure';

const books = (why: string) => ({ rule: 'keep_pseudonymised', why }) as const;

/**
 * billing's erasure rules (#20, decision 077): the ledger and tax records are kept because the law requires it. They
 * name people only by id, and the erased account behind that id holds nothing any more, so they are pseudonymised by
 * identity's tombstone; billing itself changes nothing, and the ledger still balances.
 */
export const BILLING_ERASURE_RULES: ErasureRules = {
  billing_plans: { rule: 'no_personal_data', why: 'the plans on sale' },
  billing_prices: { rule: 'no_personal_data', why: 'the prices of the plans' },
  payout_runs: { rule: 'no_personal_data', why: 'when each payout run ran' },
  subscriptions: books('a paid subscription is a tax record (ids, plan, periods, the provider\'s customer id)'),
  subscription_transitions: books('the history of a paid subscription'),
  provider_events: books("the payment provider's webhooks, kept as the evidence of each payment"),
  checkouts: books('the start of a payment'),
  payments: books('a payment is a tax record'),
  refunds: books('a refund is a tax record'),
  ledger_accounts: books('the books: an account per user by id'),
  ledger_transactions: books('the books: each transaction names a payment, lesson or question by id'),
  ledger_entries: books('the books (amounts only)'),
  payouts: books("a tutor's payouts are tax records"),
  payout_accounts: books("where a tutor's payouts went: provider ids and a masked display only, kept with the payouts they explain"),
};
