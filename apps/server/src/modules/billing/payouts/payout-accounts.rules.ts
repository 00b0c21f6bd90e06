/**
 * Payout accounts, pure (issue #18): what is shown of a tutor's bank account or UPI ID, and a Stripe connected
 * account's status read from its account object.
 */
import type { ConnectAccountObject } from '../../../integrations/payouts';

export type PayoutAccountStatus = 'pending' | 'active' | 'restricted' | 'failed';

/** A bank account as its last 4 digits: "•••• 6789". The full number is never stored or logged. */
export const maskAccountNumber = (accountNumber: string) => `•••• ${accountNumber.slice(-4)}`;

/** A UPI ID with most of its handle hidden: "ra•••••r@okhdfc" (a short handle keeps only its first character). */
export function maskVpa(vpa: string): string {
  const at = vpa.lastIndexOf('@');
  const handle = vpa.slice(0, at);
  const hidden = handle.length <= 2 ? '••' : handle.length <= 4 ? `${handle[0]}•••••` : `${handle.slice(0, 2)}•••••${handle.slice(-1)}`;
  return `${hidden}${vpa.slice(at).toLowerCase()}`;
}

/** The parts of a Stripe account object (an Express connected account) its status is read from: the integration's own. */
export type ConnectSnapshot = Omit<ConnectAccountObject, 'id'>;

/**
 * A connected account's status: rejected by Stripe → failed; payouts enabled and nothing switched off → active; the
 * tutor has not finished onboarding → pending; finished but Stripe wants more or has switched payouts off → restricted.
 * charges_enabled is not needed: tutors are paid by transfers, not charges.
 */
export function connectStatus(s: ConnectSnapshot): { status: PayoutAccountStatus; reason: string | null } {
  if (s.disabledReason?.startsWith('rejected.')) return { status: 'failed', reason: `Stripe rejected the account (${s.disabledReason.slice('rejected.'.length)})` };
  if (s.payoutsEnabled && !s.disabledReason) return { status: 'active', reason: s.currentlyDue.length ? `Stripe will need: ${s.currentlyDue.join(', ')}` : null };
  // A new account is switched off until onboarding is done (Stripe says requirements.past_due): still pending.
  if (!s.detailsSubmitted) return { status: 'pending', reason: null };
  const due = [...new Set([...s.pastDue, ...s.currentlyDue])];
  return { status: 'restricted', reason: due.length ? `Stripe needs: ${due.join(', ')}` : `Stripe has paused payouts (${s.disabledReason ?? 'under review'})` };
}

/** Only an active account receives payouts; a tutor without one is skipped until they add where their money goes. */
export const receivesPayouts = (a: { status: PayoutAccountStatus; provider: string } | null | undefined, adapter: string) => !!a && a.status === 'active' && a.provider === adapter;
