/**
 * Payout rules, pure. A tutor's payable account has a credit (negative) balance: what we owe is its negation.
 *
 * The hold period: earnings (credits to the payable) count only once they are older than the cutoff
 * (run time − BILLING_PAYOUT_HOLD_DAYS); debits (payouts, reversals of refunded earnings) count at once, so
 * nothing is paid twice and a refund after the cutoff still lowers the payout.
 */
const DAY_MS = 86_400_000;

export type PayoutStatus = 'pending' | 'in_transit' | 'paid' | 'failed';

export const cutoffFor = (now: Date, holdDays: number) => new Date(now.getTime() - holdDays * DAY_MS);

/** What may be paid from a payable: credits before the cutoff plus every debit, negated; never below zero. */
export function payableAmount(sums: { beforeCutoff: number; debitsSince: number }): number {
  return Math.max(0, -(sums.beforeCutoff + sums.debitsSince));
}

/**
 * A tutor's balance in one currency as parts that never overlap (issue #13: an amount showed both as payable and on
 * hold): what the next payout may take (`payable`) and what the hold period still keeps (`onHold`); they add up to
 * what the tutor is owed. Owed less than nothing (a refund after a payout) is all payable, negative, nothing on hold.
 */
export function balanceParts(owedMinor: number, availableMinor: number): { payableMinor: number; onHoldMinor: number } {
  const onHoldMinor = Math.max(0, owedMinor - Math.max(0, availableMinor));
  return { payableMinor: owedMinor - onHoldMinor, onHoldMinor };
}

/** Whether an amount is worth a payout: at least the currency's minimum (a currency without one is never paid out). */
export function meetsMinimum(amountMinor: number, currency: string, minimums: Record<string, number>): boolean {
  const min = minimums[currency];
  return min !== undefined && amountMinor > 0 && amountMinor >= min;
}

/** Statuses only move forward: pending → in_transit → paid | failed (pending may fail or be paid at once). */
const forward: Record<PayoutStatus, PayoutStatus[]> = {
  pending: ['in_transit', 'paid', 'failed'],
  in_transit: ['paid', 'failed'],
  paid: [],
  failed: [],
};
export const mayMove = (from: PayoutStatus, to: PayoutStatus) => forward[from].includes(to);

/** Minimum payout per currency from 'INR:50000,USD:1000'. */
export function parseMinimums(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([A-Z]{3}):(\d+)$/.exec(part);
    if (!m) throw new Error(`"${part}" is not CURRENCY:minor_units`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}
