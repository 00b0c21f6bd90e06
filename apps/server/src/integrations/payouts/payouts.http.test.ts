import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRazorpayXAdapter } from './razorpayx';
import { createStripeConnectAdapter } from './stripe-connect';
import { PayoutRejected, PayoutUnavailable } from './types';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A local stand-in for the providers' APIs: records requests, answers once per idempotency key, fails on demand. */
function fakeProvider() {
  const seen: Seen[] = [];
  const byKey = new Map<string, Record<string, unknown>>();
  let next: { status: number; body: unknown } | null = null;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const send = (status: number, b: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(b));
      if (next) {
        const n = next;
        next = null;
        return send(n.status, n.body);
      }
      const key = String(req.headers['x-payout-idempotency'] ?? req.headers['idempotency-key'] ?? '');
      if (req.method === 'POST') {
        const existing = byKey.get(key);
        if (existing) return send(200, existing);
        const created = req.url === '/v1/payouts' ? { id: `pout_${byKey.size + 1}`, entity: 'payout', status: 'processing' } : { id: `tr_${byKey.size + 1}`, object: 'transfer', reversed: false };
        byKey.set(key, created);
        return send(200, created);
      }
      if (req.url === '/v1/payouts/pout_1') return send(200, { id: 'pout_1', status: 'reversed', status_details: { description: 'Beneficiary bank was offline' } });
      if (req.url === '/v1/transfers/tr_1') return send(200, { id: 'tr_1', reversed: true });
      return send(404, { error: { description: 'not found' } });
    });
  });
  return {
    seen,
    byKey,
    failNext: (status: number, body: unknown) => (next = { status, body }),
    start: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const request = { idempotencyKey: '6f1c8a8e-0000-4000-8000-000000000001', tutorId: 'tutor-1', amountMinor: 60000, currency: 'INR', destination: 'fa_123' };

describe('payout adapters over HTTP', () => {
  const provider = fakeProvider();
  let baseUrl: string;
  beforeAll(async () => {
    baseUrl = await provider.start();
  });
  afterAll(() => provider.stop());

  it('RazorpayX: POST /v1/payouts with basic auth, X-Payout-Idempotency and the payout fields; a repeat is one payout', async () => {
    const rx = createRazorpayXAdapter({ baseUrl, keyId: 'rzp_key', keySecret: 'secret', accountNumber: '7878780080316316' });
    const first = await rx.send(request);
    const again = await rx.send(request);
    expect(first).toEqual({ providerPayoutId: 'pout_1', status: 'in_transit', failureReason: undefined });
    expect(again.providerPayoutId).toBe('pout_1');
    const req = provider.seen[0]!;
    expect(req).toMatchObject({ method: 'POST', url: '/v1/payouts' });
    expect(req.headers['x-payout-idempotency']).toBe(request.idempotencyKey);
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from('rzp_key:secret').toString('base64')}`);
    expect(JSON.parse(req.body)).toMatchObject({ account_number: '7878780080316316', fund_account_id: 'fa_123', amount: 60000, currency: 'INR', mode: 'IMPS', purpose: 'payout', reference_id: request.idempotencyKey });
    expect(await rx.status('pout_1')).toEqual({ providerPayoutId: 'pout_1', status: 'failed', failureReason: 'Beneficiary bank was offline' });
  });

  it('RazorpayX: a 4xx is a rejection for good, a 5xx is worth retrying', async () => {
    const rx = createRazorpayXAdapter({ baseUrl, keyId: 'k', keySecret: 's', accountNumber: '1' });
    provider.failNext(400, { error: { code: 'BAD_REQUEST_ERROR', description: 'The fund account id provided is invalid' } });
    await expect(rx.send({ ...request, idempotencyKey: 'k2' })).rejects.toThrow(PayoutRejected);
    provider.failNext(503, { error: { description: 'down' } });
    await expect(rx.send({ ...request, idempotencyKey: 'k3' })).rejects.toThrow(PayoutUnavailable);
    const offline = createRazorpayXAdapter({ baseUrl: 'http://127.0.0.1:1', keyId: 'k', keySecret: 's', accountNumber: '1' });
    await expect(offline.send(request)).rejects.toThrow(PayoutUnavailable);
  });

  it('Stripe Connect: a form-encoded transfer with Bearer auth and Idempotency-Key', async () => {
    const sc = createStripeConnectAdapter({ baseUrl, secretKey: 'sk_test_123' });
    const key = '6f1c8a8e-0000-4000-8000-000000000009';
    const result = await sc.send({ ...request, idempotencyKey: key, currency: 'USD', amountMinor: 2500, destination: 'acct_1' });
    expect(result).toEqual({ providerPayoutId: expect.stringMatching(/^tr_/), status: 'paid', failureReason: undefined });
    const req = provider.seen.at(-1)!;
    expect(req).toMatchObject({ method: 'POST', url: '/v1/transfers' });
    expect(req.headers['idempotency-key']).toBe(key);
    expect(req.headers.authorization).toBe('Bearer sk_test_123');
    expect(Object.fromEntries(new URLSearchParams(req.body))).toMatchObject({ amount: '2500', currency: 'usd', destination: 'acct_1', 'metadata[payout_id]': key });
    expect(await sc.status('tr_1')).toMatchObject({ status: 'failed', failureReason: 'transfer reversed' });
  });
});
