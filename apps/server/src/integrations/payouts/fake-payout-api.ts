import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { signStripePayload } from '../stripe';

/**
 * A local stand-in for RazorpayX's and Stripe Connect's HTTP APIs (tests, e2e), speaking their documented wire formats
 * so the real adapters run: RazorpayX /v1/contacts, /v1/fund_accounts, /v1/payouts (JSON, Basic auth, 400
 * BAD_REQUEST_ERROR on a bad IFSC or VPA); Stripe /v1/accounts, /v1/account_links, /v1/transfers (form-encoded,
 * Bearer, Idempotency-Key). `accountUpdated` builds a Stripe-signed `account.updated` event for a connected account.
 */
export interface SeenRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

type Obj = Record<string, unknown>;
const id = (prefix: string) => `${prefix}_${randomBytes(7).toString('hex')}`;
const IFSC = /^[A-Z]{4}0[A-Z0-9]{6}$/;
const VPA = /^[a-zA-Z0-9][a-zA-Z0-9._-]{1,255}@[a-zA-Z][a-zA-Z0-9.-]{1,63}$/;

export function createFakePayoutApi(clock: { now(): Date }) {
  const seen: SeenRequest[] = [];
  const byKey = new Map<string, Obj>();
  const objects = new Map<string, Obj>();
  /** Payouts and transfers fail with this reason (RazorpayX: reversed; Stripe: reversed) when read back. */
  const failing = new Map<string, string>();
  let nextError: { status: number; body: Obj } | null = null;

  const razorpayError = (description: string, field: string) => ({ error: { code: 'BAD_REQUEST_ERROR', description, source: 'business', step: 'payout_initiation', reason: 'input_validation_failed', metadata: {}, field } });

  function handle(method: string, path: string, headers: http.IncomingHttpHeaders, body: Obj): { status: number; body: Obj } {
    if (nextError) {
      const e = nextError;
      nextError = null;
      return e;
    }
    const key = String(headers['x-payout-idempotency'] ?? headers['idempotency-key'] ?? '');
    const created = (o: Obj) => {
      objects.set(String(o.id), o);
      if (key) byKey.set(`${path}|${key}`, o);
      return { status: 200, body: o };
    };
    if (method === 'POST' && key && byKey.has(`${path}|${key}`)) return { status: 200, body: byKey.get(`${path}|${key}`)! };
    const at = Math.floor(clock.now().getTime() / 1000);
    if (method === 'POST' && path === '/v1/contacts') {
      if (typeof body.name !== 'string' || body.name.length < 3) return { status: 400, body: razorpayError('The name field is required.', 'name') };
      return created({ id: id('cont'), entity: 'contact', name: body.name, email: body.email ?? null, type: body.type ?? null, reference_id: body.reference_id ?? null, active: true, notes: body.notes ?? {}, created_at: at });
    }
    if (method === 'POST' && path === '/v1/fund_accounts') {
      if (!objects.has(String(body.contact_id))) return { status: 400, body: razorpayError('The id provided does not exist', 'contact_id') };
      if (body.account_type === 'bank_account') {
        const b = (body.bank_account ?? {}) as Obj;
        if (!IFSC.test(String(b.ifsc ?? ''))) return { status: 400, body: razorpayError('Invalid IFSC Code in Bank Account', 'ifsc') };
        return created({ id: id('fa'), entity: 'fund_account', contact_id: body.contact_id, account_type: 'bank_account', bank_account: { ifsc: b.ifsc, bank_name: 'Test Bank', name: b.name, notes: [], account_number: b.account_number }, active: true, batch_id: null, created_at: at });
      }
      if (body.account_type === 'vpa') {
        const address = String(((body.vpa ?? {}) as Obj).address ?? '');
        if (!VPA.test(address)) return { status: 400, body: razorpayError('Invalid VPA. Please enter a valid Virtual Payment Address', 'address') };
        const [username, handle] = address.split('@');
        return created({ id: id('fa'), entity: 'fund_account', contact_id: body.contact_id, account_type: 'vpa', vpa: { username, handle, address }, active: true, batch_id: null, created_at: at });
      }
      return { status: 400, body: razorpayError('The account type field is invalid.', 'account_type') };
    }
    if (method === 'POST' && path === '/v1/payouts') {
      const fa = objects.get(String(body.fund_account_id));
      if (!fa || fa.entity !== 'fund_account') return { status: 400, body: razorpayError('The fund account id provided is invalid', 'fund_account_id') };
      return created({ id: id('pout'), entity: 'payout', fund_account_id: fa.id, amount: body.amount, currency: body.currency, status: 'processing', mode: body.mode, reference_id: body.reference_id, status_details: null, created_at: at });
    }
    if (method === 'POST' && path === '/v1/accounts') {
      return created({ id: id('acct'), object: 'account', type: body.type, country: body.country, email: body.email, charges_enabled: false, payouts_enabled: false, details_submitted: false, metadata: { tutor_id: body['metadata[tutor_id]'] }, requirements: { currently_due: ['external_account', 'individual.first_name'], past_due: [], disabled_reason: 'requirements.past_due' }, created: at });
    }
    if (method === 'POST' && path === '/v1/account_links') {
      if (!objects.has(String(body.account))) return { status: 400, body: { error: { type: 'invalid_request_error', message: `No such account: '${String(body.account)}'`, param: 'account' } } };
      if (body.type !== 'account_onboarding') return { status: 400, body: { error: { type: 'invalid_request_error', message: 'Invalid type', param: 'type' } } };
      return { status: 200, body: { object: 'account_link', created: at, expires_at: at + 300, url: `https://connect.stripe.test/setup/e/${String(body.account)}/${randomBytes(6).toString('hex')}` } };
    }
    if (method === 'POST' && path === '/v1/transfers') {
      const dest = objects.get(String(body.destination));
      if (!dest || dest.object !== 'account') return { status: 400, body: { error: { type: 'invalid_request_error', message: `No such destination: '${String(body.destination)}'`, param: 'destination' } } };
      return created({ id: id('tr'), object: 'transfer', amount: Number(body.amount), currency: body.currency, destination: dest.id, reversed: false, created: at });
    }
    const got = method === 'GET' ? objects.get(path.split('/').pop() ?? '') : undefined;
    if (got) {
      const reason = failing.get(String(got.id));
      if (reason && got.entity === 'payout') return { status: 200, body: { ...got, status: 'reversed', status_details: { reason: 'beneficiary_bank_offline', description: reason, source: 'beneficiary_bank' } } };
      if (reason && got.object === 'transfer') return { status: 200, body: { ...got, reversed: true } };
      return { status: 200, body: got };
    }
    return { status: 404, body: { error: { code: 'BAD_REQUEST_ERROR', description: `The requested URL ${path} was not found on the server.` } } };
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString();
      const form = String(req.headers['content-type'] ?? '').includes('x-www-form-urlencoded');
      let body: Obj = {};
      try {
        body = raw ? (form ? Object.fromEntries(new URLSearchParams(raw)) : (JSON.parse(raw) as Obj)) : {};
      } catch {
        body = {};
      }
      const path = (req.url ?? '/').split('?')[0]!;
      seen.push({ method: req.method ?? 'GET', path, headers: req.headers, body });
      const out = handle(req.method ?? 'GET', path, req.headers, body);
      res.writeHead(out.status, { 'content-type': 'application/json' }).end(JSON.stringify(out.body));
    });
  });

  return {
    seen,
    objects,
    /** The next request answers this (a provider outage or refusal). */
    failNext(status: number, body: Obj) {
      nextError = { status, body };
    },
    /** Reading this payout or transfer back says it failed (RazorpayX reversed, Stripe reversed). */
    failPayout(providerPayoutId: string, reason: string) {
      failing.set(providerPayoutId, reason);
    },
    /** A signed account.updated event for a connected account with these fields changed, ready to POST to /webhooks/stripe. */
    accountUpdated(accountId: string, patch: Obj, o: { secret: string; nowSeconds: number; eventId?: string }) {
      const account = { ...(objects.get(accountId) ?? { id: accountId, object: 'account' }), ...patch };
      objects.set(accountId, account);
      const event = { id: o.eventId ?? id('evt'), object: 'event', api_version: '2026-07-29.dahlia', account: accountId, created: o.nowSeconds, data: { object: account }, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type: 'account.updated' };
      const body = `${JSON.stringify(event, null, 2)}\n`;
      return { body, headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signStripePayload(body, o.secret, o.nowSeconds) } };
    },
    start: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type FakePayoutApi = ReturnType<typeof createFakePayoutApi>;
