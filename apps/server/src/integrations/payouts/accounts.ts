import { type FetchLike, requestJson } from './types';

/**
 * Setting up where a tutor is paid, at the provider (issue #18). RazorpayX: a Contact (POST /v1/contacts) and a Fund
 * Account for it (POST /v1/fund_accounts, a bank account or a UPI VPA), JSON with Basic auth. Stripe Connect: an
 * Express account (POST /v1/accounts) and an onboarding Account Link (POST /v1/account_links), form-encoded with a
 * Bearer key. 4xx → PayoutRejected (the provider's words), the rest → PayoutUnavailable, as for payouts.
 */
export type FundAccountInput =
  | { kind: 'bank_account'; holderName: string; ifsc: string; accountNumber: string }
  | { kind: 'vpa'; holderName: string; vpa: string };

export interface RazorpayXAccounts {
  createContact(c: { name: string; email: string; referenceId: string }): Promise<{ id: string }>;
  createFundAccount(contactId: string, input: FundAccountInput): Promise<{ id: string; active: boolean }>;
}

export function createRazorpayXAccounts(config: { baseUrl: string; keyId: string; keySecret: string; timeoutMs?: number; fetch?: FetchLike }): RazorpayXAccounts {
  const base = config.baseUrl.replace(/\/$/, '');
  const fetchImpl = config.fetch ?? fetch;
  const timeout = config.timeoutMs ?? 10_000;
  const headers = { authorization: `Basic ${Buffer.from(`${config.keyId}:${config.keySecret}`).toString('base64')}`, 'content-type': 'application/json' };
  const post = (path: string, body: unknown) => requestJson(fetchImpl, `${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) }, timeout);
  return {
    async createContact(c) {
      const body = await post('/v1/contacts', { name: c.name, email: c.email, type: 'vendor', reference_id: c.referenceId, notes: { tutor_id: c.referenceId } });
      return { id: String(body.id) };
    },
    async createFundAccount(contactId, input) {
      const body = await post(
        '/v1/fund_accounts',
        input.kind === 'bank_account'
          ? { contact_id: contactId, account_type: 'bank_account', bank_account: { name: input.holderName, ifsc: input.ifsc, account_number: input.accountNumber } }
          : { contact_id: contactId, account_type: 'vpa', vpa: { address: input.vpa } },
      );
      return { id: String(body.id), active: body.active !== false };
    },
  };
}

/** A Stripe account object, as account.updated and POST /v1/accounts return it (the parts a status is read from). */
export interface ConnectAccountObject {
  id: string;
  chargesEnabled: boolean;
  payoutsEnabled: boolean;
  detailsSubmitted: boolean;
  /** requirements.disabled_reason: why Stripe has switched the account off ('rejected.fraud', 'requirements.past_due', …). */
  disabledReason: string | null;
  currentlyDue: string[];
  pastDue: string[];
}

const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export function readConnectAccount(o: Record<string, unknown>): ConnectAccountObject {
  const req = (o.requirements ?? {}) as Record<string, unknown>;
  return {
    id: String(o.id),
    chargesEnabled: o.charges_enabled === true,
    payoutsEnabled: o.payouts_enabled === true,
    detailsSubmitted: o.details_submitted === true,
    disabledReason: typeof req.disabled_reason === 'string' ? req.disabled_reason : null,
    currentlyDue: strings(req.currently_due),
    pastDue: strings(req.past_due),
  };
}

export interface StripeConnectAccounts {
  createAccount(a: { email: string; country: string; tutorId: string; idempotencyKey: string }): Promise<ConnectAccountObject>;
  createOnboardingLink(accountId: string, urls: { refreshUrl: string; returnUrl: string }): Promise<{ url: string; expiresAt: Date }>;
}

export function createStripeConnectAccounts(config: { baseUrl: string; secretKey: string; timeoutMs?: number; fetch?: FetchLike }): StripeConnectAccounts {
  const base = config.baseUrl.replace(/\/$/, '');
  const fetchImpl = config.fetch ?? fetch;
  const timeout = config.timeoutMs ?? 10_000;
  const post = (path: string, form: Record<string, string>, idempotencyKey?: string) =>
    requestJson(
      fetchImpl,
      `${base}${path}`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${config.secretKey}`, 'content-type': 'application/x-www-form-urlencoded', ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}) },
        body: new URLSearchParams(form).toString(),
      },
      timeout,
    );
  return {
    async createAccount(a) {
      const body = await post(
        '/v1/accounts',
        { type: 'express', country: a.country, email: a.email, 'capabilities[transfers][requested]': 'true', 'metadata[tutor_id]': a.tutorId },
        a.idempotencyKey,
      );
      return readConnectAccount(body);
    },
    async createOnboardingLink(accountId, urls) {
      const body = await post('/v1/account_links', { account: accountId, refresh_url: urls.refreshUrl, return_url: urls.returnUrl, type: 'account_onboarding' });
      return { url: String(body.url), expiresAt: new Date(Number(body.expires_at) * 1000) };
    },
  };
}
