import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, signUpStudent } from '../../../../test/app';
import { describeEachBackend } from '../../../../test/db';
import type { PaymentsConfig } from '../../../config';
import { schema } from '../../../../test/schema';
import { type BillingTestApp, ensurePlan, RAZORPAY_SECRET, razorpayBody, recordingLedger, settableClock, startBillingApp } from './providers.testkit';

const KEY_ID = 'rzp_test_key_local';
const KEY_SECRET = 'rzp_test_key_secret_local';

/** A local stand-in for api.razorpay.com: the Orders calls the SDK makes (created orders; payments we mark captured). */
function fakeRazorpay() {
  const orders: { id: string; body: Record<string, unknown>; auth: string | undefined }[] = [];
  const captured = new Map<string, { id: string; amount: number }>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      const url = req.url ?? '';
      if (req.method === 'POST' && url === '/v1/orders') {
        const o = { id: `order_Loc${String(orders.length + 1).padStart(4, '0')}`, body: JSON.parse(body) as Record<string, unknown>, auth: req.headers.authorization };
        orders.push(o);
        return send(200, { id: o.id, entity: 'order', status: 'created', ...o.body });
      }
      const m = url.match(/^\/v1\/orders\/(order_\w+)(\/payments)?$/);
      const o = m && orders.find((x) => x.id === m[1]);
      if (req.method === 'GET' && o) {
        const pay = captured.get(o.id);
        if (!m[2]) return send(200, { id: o.id, entity: 'order', status: pay ? 'paid' : 'attempted', ...o.body });
        const items = pay ? [{ id: pay.id, entity: 'payment', amount: pay.amount, currency: 'INR', status: 'captured', order_id: o.id, invoice_id: null, notes: [], created_at: 1_796_000_000 }] : [];
        return send(200, { entity: 'collection', count: items.length, items });
      }
      return send(404, { error: { code: 'BAD_REQUEST_ERROR', description: `no route ${req.method} ${url}` } });
    });
  });
  return {
    orders,
    captured,
    start: () => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The fixture payment.captured, re-pointed at one of our orders (no notes: only order_id ties it to the checkout). */
function capturedEvent(orderId: string, paymentId: string, amount: number) {
  const body = JSON.parse(razorpayBody({ file: 'events/payment.captured.json' }).toString('utf8'));
  Object.assign(body.payload.payment.entity, { id: paymentId, order_id: orderId, amount, base_amount: amount, notes: [] });
  const raw = JSON.stringify(body);
  return { raw, headers: { 'content-type': 'application/json', 'x-razorpay-signature': createHmac('sha256', RAZORPAY_SECRET).update(raw).digest('hex'), 'x-razorpay-event-id': `Evt${paymentId}` } };
}

/** Issue #7: one-time Razorpay payments as Orders, paid on Razorpay's hosted checkout through our page; the webhook records them. */
describeEachBackend('billing: Razorpay orders and hosted checkout', ({ db }) => {
  let t: BillingTestApp;
  const fake = fakeRazorpay();
  const clock = settableClock(new Date('2026-11-30T10:00:07.000Z'));
  const ledger = recordingLedger();
  let n = 0;
  const key = () => `rzp-key-${++n}-${Date.now()}`;

  beforeAll(async () => {
    const port = await fake.start();
    const payments: PaymentsConfig = { provider: 'razorpay', stripe: null, razorpay: { keyId: KEY_ID, keySecret: KEY_SECRET, webhookSecret: RAZORPAY_SECRET, baseUrl: `http://127.0.0.1:${port}` } };
    t = await startBillingApp(db().database, { clock, payments, ledger: ledger.port });
    await ensurePlan(db().database, 'pack10', 'credit_pack', { INR: 49900 });
  });
  afterAll(async () => {
    await t?.close();
    await fake.stop();
  });

  const newStudent = async () => {
    const client = new Client(t.baseUrl);
    const { user } = await signUpStudent(client);
    return { client, id: user.id as string };
  };
  const checkoutRow = async (id: string) => (await db().database.db.select().from(schema.checkouts).where(eq(schema.checkouts.id, id)))[0]!;
  const form = (fields: Record<string, string>) => ({ body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://api.razorpay.com' } });
  const postForm = (path: string, fields: Record<string, string>) => fetch(t.baseUrl + path, { method: 'POST', redirect: 'manual', ...form(fields) });

  it('creates an Order once per checkout, serves the hosted-checkout form, verifies the callback, and the webhook pays it by order_id', async () => {
    const s = await newStudent();
    const idempotencyKey = key();
    const res = await s.client.post('/api/billing/checkout', { planId: 'pack10', currency: 'INR', idempotencyKey, provider: 'razorpay' });
    expect(res.status, res.text).toBe(201);
    const checkoutId = res.json.id as string;
    expect(res.json).toMatchObject({ provider: 'razorpay', purpose: 'credit_pack', amountMinor: 49900, status: 'open' });
    expect(res.json.url).toMatch(new RegExp(`/api/billing/razorpay/${checkoutId}$`));
    expect(fake.orders).toHaveLength(1);
    const order = fake.orders[0]!;
    expect(order.auth).toBe(`Basic ${Buffer.from(`${KEY_ID}:${KEY_SECRET}`).toString('base64')}`);
    expect(order.body).toMatchObject({ amount: 49900, currency: 'INR', receipt: checkoutId, notes: { checkout_id: checkoutId, student_id: s.id, purpose: 'credit_pack' } });
    expect((await checkoutRow(checkoutId)).providerRef).toBe(order.id);

    // A retry with the same key: the same checkout and page, and no second order (Razorpay has no idempotency key).
    const again = await s.client.post('/api/billing/checkout', { planId: 'pack10', currency: 'INR', idempotencyKey, provider: 'razorpay' });
    expect([again.status, again.json.id, again.json.url]).toEqual([200, checkoutId, res.json.url]);
    expect(fake.orders).toHaveLength(1);

    // Our page: the hosted-checkout form for this order, only for its student.
    const page = await s.client.get(`/api/billing/razorpay/${checkoutId}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toContain('form-action https://api.razorpay.com');
    expect(page.text).toContain('action="https://api.razorpay.com/v1/checkout/embedded"');
    expect(page.text).toContain(`name="order_id" value="${order.id}"`);
    expect(page.text).toContain(`name="key_id" value="${KEY_ID}"`);
    expect(page.text).toMatch(new RegExp(`name="callback_url" value="[^"]*/api/billing/razorpay/${checkoutId}/callback"`));
    expect(page.text).toContain('Continue to Razorpay');
    const other = await newStudent();
    expect((await other.client.get(`/api/billing/razorpay/${checkoutId}`)).status).toBe(404);

    // The callback: a wrong signature is refused and changes nothing; a good one redirects to our return page.
    const paymentId = 'pay_LocCaptured01';
    const bad = await postForm(`/api/billing/razorpay/${checkoutId}/callback`, { razorpay_payment_id: paymentId, razorpay_order_id: order.id, razorpay_signature: 'a'.repeat(64) });
    expect(bad.status).toBe(400);
    const signature = createHmac('sha256', KEY_SECRET).update(`${order.id}|${paymentId}`).digest('hex');
    const otherOrder = await postForm(`/api/billing/razorpay/${checkoutId}/callback`, { razorpay_payment_id: paymentId, razorpay_order_id: 'order_NotOurs', razorpay_signature: createHmac('sha256', KEY_SECRET).update(`order_NotOurs|${paymentId}`).digest('hex') });
    expect(otherOrder.status).toBe(400);
    const good = await postForm(`/api/billing/razorpay/${checkoutId}/callback`, { razorpay_payment_id: paymentId, razorpay_order_id: order.id, razorpay_signature: signature });
    expect(good.status).toBe(303);
    expect(good.headers.get('location')).toMatch(new RegExp(`/billing/return\\?checkout=${checkoutId}$`));
    const failed = await postForm(`/api/billing/razorpay/${checkoutId}/callback`, { 'error[code]': 'BAD_REQUEST_ERROR', 'error[reason]': 'payment_failed' });
    expect(failed.status).toBe(303);
    // The callback is not the source of truth: still open until the webhook.
    expect((await checkoutRow(checkoutId)).status).toBe('open');
    expect(t.logs()).toContain('"event":"razorpay_callback_verified"');

    // payment.captured names only the order: matched to the checkout by order_id, recorded through the same pipeline.
    const ev = capturedEvent(order.id, paymentId, 49900);
    const hook = await fetch(`${t.baseUrl}/webhooks/razorpay`, { method: 'POST', body: ev.raw, headers: ev.headers });
    expect(hook.status).toBe(200);
    await t.app.jobs.drain();
    const paid = await checkoutRow(checkoutId);
    expect(paid.status).toBe('paid');
    const payments = await db().database.db.select().from(schema.payments).where(eq(schema.payments.providerPaymentId, paymentId));
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ provider: 'razorpay', studentId: s.id, checkoutId, amountMinor: 49900, currency: 'INR', status: 'succeeded' });
    expect(ledger.calls.filter((c) => c.kind === 'payment' && c.id === payments[0]!.id)).toHaveLength(1);

    // After payment the page sends the student back instead of to Razorpay.
    const after = await fetch(`${t.baseUrl}/api/billing/razorpay/${checkoutId}`, { redirect: 'manual', headers: { cookie: s.client.cookie } });
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toMatch(new RegExp(`/billing/return\\?checkout=${checkoutId}$`));
  });

  it('reconciles an order whose webhook never came: the order’s captured payment pays the checkout', async () => {
    const s = await newStudent();
    const res = await s.client.post('/api/billing/checkout', { planId: 'pack10', currency: 'INR', idempotencyKey: key(), provider: 'razorpay' });
    expect(res.status, res.text).toBe(201);
    const checkoutId = res.json.id as string;
    const orderId = (await checkoutRow(checkoutId)).providerRef!;
    expect((await t.app.payments.reconciler.run()).fixes.some((f) => f.includes(checkoutId))).toBe(false);
    fake.captured.set(orderId, { id: 'pay_LocReconciled1', amount: 49900 });
    const { fixes } = await t.app.payments.reconciler.run();
    expect(fixes.some((f) => f.includes(`checkout ${checkoutId}`))).toBe(true);
    expect((await checkoutRow(checkoutId)).status).toBe('paid');
    const [payment] = await db().database.db.select().from(schema.payments).where(eq(schema.payments.providerPaymentId, 'pay_LocReconciled1'));
    expect(payment).toMatchObject({ studentId: s.id, checkoutId, amountMinor: 49900 });
  });
});
