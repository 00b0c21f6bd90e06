import { randomBytes } from 'node:crypto';
import type { PayoutsConfig } from '../../../config';
import { PayoutRejected, type RazorpayXAccounts, type StripeConnectAccounts, type ConnectAccountObject } from '../../../integrations/payouts';
import type { Clock } from '../../../platform/clock';
import type { Tx } from '../../../platform/db';
import type { Logger } from '../../../platform/logger';
import { type Fail, fail, ok, type Result } from '../../../platform/result';
import { recordAudit } from '../../audit';
import { accountsByIds, tutorProfilesOf, userContacts } from '../../identity';
import type { PayoutAccountRow, PayoutAccountsRepo } from './payout-accounts.repo';
import { connectStatus, maskAccountNumber, maskVpa, receivesPayouts } from './payout-accounts.rules';

export type RazorpayXInput = { kind: 'bank_account'; holderName: string; ifsc: string; accountNumber: string } | { kind: 'vpa'; holderName: string; vpa: string };

export type PayoutAccountFailure =
  /** Payouts are off on this server (PAYOUT_PROVIDER none): there is nowhere to add an account to. */
  | Fail<'not_configured'>
  | Fail<'not_approved'>
  | Fail<'other_provider', { provider: PayoutsConfig['provider'] }>
  | Fail<'provider_refused', { message: string }>
  | Fail<'provider_unavailable'>;

export interface PayoutAccountsDeps {
  repo: PayoutAccountsRepo;
  config: PayoutsConfig;
  clock: Clock;
  logger: Logger;
  publicUrl: string;
  razorpayx?: RazorpayXAccounts | undefined;
  connect?: StripeConnectAccounts | undefined;
}

export const accountView = (a: PayoutAccountRow) => ({
  id: a.id,
  provider: a.provider,
  kind: a.kind,
  status: a.status,
  display: a.display,
  statusReason: a.statusReason,
  updatedAt: a.updatedAt.toISOString(),
});

/**
 * Where each tutor's payouts go (issue #18). Only an approved tutor sets their own; the provider's objects are created
 * first and the row is written only once the provider said yes, so a refusal (a bad IFSC, say) leaves nothing behind.
 * Nothing but the masked display is logged.
 */
export function createPayoutAccountsService(deps: PayoutAccountsDeps) {
  const { repo, clock, logger } = deps;
  const db = repo.db;
  const provider = deps.config.provider;

  async function approved(tutorId: string) {
    const [profile] = await tutorProfilesOf(db, [tutorId]);
    return profile?.approvalStatus === 'approved';
  }

  /** Runs a provider call: its refusal and its outage become typed failures. */
  async function atProvider<T>(call: () => Promise<T>): Promise<Result<T, PayoutAccountFailure>> {
    try {
      return ok(await call());
    } catch (err) {
      if (err instanceof PayoutRejected) return fail('provider_refused', { message: err.message.replace(/^.*? answered \d+: /, '') });
      logger.warn({ event: 'payout_account_provider_down', provider, err: err instanceof Error ? err.message : String(err) }, 'payout provider not answering');
      return fail('provider_unavailable');
    }
  }

  function logSaved(row: PayoutAccountRow, event: string) {
    logger.info({ event, tutorId: row.tutorId, accountId: row.id, provider: row.provider, kind: row.kind, status: row.status, display: row.display }, 'payout account saved');
  }

  return {
    provider,

    async mine(tutorId: string): Promise<Result<{ provider: Exclude<PayoutsConfig['provider'], 'none'>; account: ReturnType<typeof accountView> | null }, Fail<'not_configured'>>> {
      if (provider === 'none') return fail('not_configured');
      const row = await repo.forTutor(db, tutorId);
      return ok({ provider, account: row ? accountView(row) : null });
    },

    /** A bank account or UPI ID through RazorpayX: a Contact (kept across changes), then a Fund Account. */
    async setRazorpayX(tutorId: string, input: RazorpayXInput): Promise<Result<ReturnType<typeof accountView>, PayoutAccountFailure>> {
      if (provider === 'none') return fail('not_configured');
      if (!(await approved(tutorId))) return fail('not_approved');
      if (provider === 'stripe-connect') return fail('other_provider', { provider });
      const now = clock.now();
      const existing = await repo.forTutor(db, tutorId);
      const display = input.kind === 'bank_account' ? maskAccountNumber(input.accountNumber) : maskVpa(input.vpa);
      let contactId: string | null = null;
      let destination: string;
      if (provider === 'razorpayx' && deps.razorpayx) {
        const rx = deps.razorpayx;
        contactId = existing?.provider === 'razorpayx' ? existing.providerContactId : null;
        if (!contactId) {
          const email = (await userContacts(db, [tutorId]))[0]?.email ?? '';
          const contact = await atProvider(() => rx.createContact({ name: input.holderName, email, referenceId: tutorId }));
          if (!contact.ok) return contact;
          contactId = contact.value.id;
        }
        const cid = contactId;
        const fa = await atProvider(() => rx.createFundAccount(cid, input));
        if (!fa.ok) return fa;
        destination = fa.value.id;
      } else destination = `fa_fake_${randomBytes(8).toString('hex')}`;
      const row = await repo.save(db, {
        tutorId,
        provider: provider === 'razorpayx' ? 'razorpayx' : 'fake',
        kind: input.kind,
        status: 'active',
        statusReason: null,
        providerContactId: contactId,
        destination,
        display,
        statusAt: now,
        createdAt: now,
        updatedAt: now,
      });
      logSaved(row, existing ? 'payout_account_changed' : 'payout_account_added');
      return ok(accountView(row));
    },

    /** Stripe Connect: an Express account (once per tutor), then a fresh onboarding link to send the tutor to. */
    async startConnectOnboarding(tutorId: string): Promise<Result<{ url: string; account: ReturnType<typeof accountView> }, PayoutAccountFailure>> {
      if (provider === 'none') return fail('not_configured');
      if (!(await approved(tutorId))) return fail('not_approved');
      if (provider !== 'stripe-connect' || !deps.connect || deps.config.provider !== 'stripe-connect') return fail('other_provider', { provider });
      const connect = deps.connect;
      const country = deps.config.country;
      const now = clock.now();
      let row = await repo.forTutor(db, tutorId);
      if (row?.provider !== 'stripe-connect') {
        const email = (await userContacts(db, [tutorId]))[0]?.email ?? '';
        const created = await atProvider(() => connect.createAccount({ email, country, tutorId, idempotencyKey: `connect-account:${tutorId}` }));
        if (!created.ok) return created;
        const s = connectStatus(created.value);
        row = await repo.save(db, { tutorId, provider: 'stripe-connect', kind: 'connect', status: s.status, statusReason: s.reason, providerContactId: null, destination: created.value.id, display: 'Stripe account', statusAt: null, createdAt: now, updatedAt: now });
        logSaved(row, 'payout_account_added');
      }
      const destination = row.destination;
      const back = `${deps.publicUrl}/tutor/earnings`;
      const link = await atProvider(() => connect.createOnboardingLink(destination, { refreshUrl: `${back}?payouts=refresh`, returnUrl: `${back}?payouts=return` }));
      if (!link.ok) return link;
      logger.info({ event: 'payout_onboarding_link_created', tutorId, accountId: row.id }, 'Stripe onboarding link created');
      return ok({ url: link.value.url, account: accountView(row) });
    },

    /** Stripe's account.updated, inside the webhook's transaction: the status read back (an older event never wins). */
    async connectAccountUpdated(tx: Tx, account: ConnectAccountObject, at: Date): Promise<string | null> {
      const row = await repo.byDestination(tx, 'stripe-connect', account.id);
      if (!row) return 'unknown_connected_account';
      if (row.statusAt && row.statusAt > at) return 'stale_account_update';
      const s = connectStatus(account);
      const updated = await repo.update(tx, row.id, { status: s.status, statusReason: s.reason, statusAt: at, updatedAt: clock.now() });
      if (row.status !== updated.status) logger.info({ event: 'payout_account_status_changed', tutorId: row.tutorId, accountId: row.id, from: row.status, to: updated.status, reason: s.reason }, 'payout account status changed');
      return null;
    },

    /** Where the adapter sends this tutor's money, or null: no active account for it (the tutor is skipped). */
    async destinationOf(tutorId: string, adapter: string): Promise<string | null> {
      const row = await repo.forTutor(db, tutorId);
      if (receivesPayouts(row, adapter)) return row!.destination;
      // The in-memory fake pays anyone (demos, tests written before accounts existed).
      return adapter === 'fake' ? (row?.destination ?? tutorId) : null;
    },

    /** Finance: every tutor with an account or a payout, their account's status and last 3 payouts. */
    async list() {
      const accounts = await repo.all(db);
      const ids = [...new Set([...accounts.map((a) => a.tutorId), ...(await repo.tutorsWithPayouts(db))])];
      const names = new Map((await accountsByIds(db, ids)).map((a) => [a.id, a.displayName]));
      const recent = await repo.recentPayouts(db, ids, 3);
      return ids.map((tutorId) => {
        const a = accounts.find((x) => x.tutorId === tutorId);
        return {
          tutorId,
          tutorName: names.get(tutorId) ?? '',
          account: a ? accountView(a) : null,
          lastPayouts: recent
            .filter((p) => p.tutorId === tutorId)
            .map((p) => ({ id: p.id, amountMinor: p.amountMinor, currency: p.currency, status: p.status, failureReason: p.failureReason, createdAt: p.createdAt.toISOString() })),
        };
      });
    },

    /** Finance or admin opening one tutor's account: the read goes to the audit log (who, whose, what was shown). */
    async detailForStaff(tutorId: string, actor: { id: string; role: string }) {
      const [tutor] = await accountsByIds(db, [tutorId]);
      if (!tutor || tutor.role !== 'tutor') return null;
      return db.transaction(async (tx) => {
        const row = await repo.forTutor(tx, tutorId);
        const lastPayouts = await repo.recentPayouts(tx, [tutorId], 10);
        await recordAudit(tx, clock.now(), { actor, action: 'payout_account.read', object: { type: 'tutor', id: tutorId }, after: row ? { accountId: row.id, provider: row.provider, status: row.status, display: row.display } : null });
        return {
          tutorId,
          tutorName: tutor.displayName,
          account: row ? accountView(row) : null,
          lastPayouts: lastPayouts.map((p) => ({ id: p.id, amountMinor: p.amountMinor, currency: p.currency, status: p.status, failureReason: p.failureReason, createdAt: p.createdAt.toISOString() })),
        };
      });
    },
  };
}
export type PayoutAccountsService = ReturnType<typeof createPayoutAccountsService>;
