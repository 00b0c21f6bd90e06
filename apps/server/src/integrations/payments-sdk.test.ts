import { createHash, createHmac } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { WebhookRejected } from './payments';
import { createRazorpayAdapter, createRazorpayClient, HOSTED_CHECKOUT_CSP, hostedCheckoutPage, normalizeRazorpayEvent, RAZORPAY_HOSTED_CHECKOUT_URL, razorpayBodyKey, razorpayVerifier, verifyPaymentSignature } from './razorpay';
import { createStripeAdapter, createStripeClient, normalizeStripeEvent, signStripePayload, stripeVerifier } from './stripe';

/**
 * The Stripe and Razorpay adapters through the official SDKs, against local fakes that speak each provider's wire
 * format for the calls we make; and the webhook verifiers and normalizers on the shared signed fixtures.
 */
const fixtures = path.resolve(import.meta.dirname, '../../../../../shared/fixtures');
const read = (p: string) => fs.readFileSync(path.join(fixtures, p));

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
function fakeServer(answer: (req: Seen) => { status?: number; json: unknown }) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const r: Seen = { method: req.method!, url: req.url!, headers: req.headers, body };
      seen.push(r);
      const out = answer(r);
      res.writeHead(out.status ?? 200, { 'content-type': 'application/json', 'request-id': 'req_fake' });
      res.end(JSON.stringify(out.json));
    });
  });
  return {
    seen,
    start: () => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const input = {
  checkoutId: '0b7e8c52-5b0f-4a53-9d0a-1c7e2f9a3b11',
  idempotencyKey: 'checkout:0b7e8c52-5b0f-4a53-9d0a-1c7e2f9a3b11',
  purpose: 'subscription' as const,
  studentId: '6f1d3c1e-2f4b-4c1a-8e0d-1a2b3c4d5e6f',
  planId: 'plus',
  description: 'Plus',
  amountMinor: 2900,
  currency: 'USD',
  trialDays: 7,
  successUrl: 'http://127.0.0.1/billing/return?checkout=x',
  cancelUrl: 'http://127.0.0.1/billing/return?checkout=x&cancelled=1',
};

describe('Stripe adapter through the official SDK, against a local fake', () => {
  const fake = fakeServer((r) => {
    if (r.method === 'POST' && r.url === '/v1/checkout/sessions') return { json: { id: 'cs_test_1', object: 'checkout.session', url: 'https://checkout.stripe.test/c/pay/cs_test_1', status: 'open' } };
    if (r.method === 'GET' && r.url.startsWith('/v1/invoice_payments')) return { json: { object: 'list', has_more: false, url: '/v1/invoice_payments', data: [{ id: 'inpay_1', object: 'invoice_payment', status: 'paid', payment: { type: 'payment_intent', payment_intent: 'pi_1' } }] } };
    if (r.method === 'POST' && r.url === '/v1/refunds') return { json: { id: 're_1', object: 'refund', status: 'succeeded', amount: 1450 } };
    return { status: 404, json: { error: { type: 'invalid_request_error', message: `no route ${r.method} ${r.url}` } } };
  });
  let adapter: ReturnType<typeof createStripeAdapter>;
  beforeAll(async () => {
    const port = await fake.start();
    adapter = createStripeAdapter(createStripeClient({ secretKey: 'sk_test_local_fake', host: '127.0.0.1', port, protocol: 'http' }));
  });
  afterAll(() => fake.stop());

  it('creates a subscription Checkout Session with our idempotency key and our ids in metadata', async () => {
    const made = await adapter.createCheckout(input);
    expect(made).toEqual({ ref: 'cs_test_1', url: 'https://checkout.stripe.test/c/pay/cs_test_1' });
    const req = fake.seen.find((r) => r.url === '/v1/checkout/sessions')!;
    expect(req.headers['idempotency-key']).toBe(input.idempotencyKey);
    expect(req.headers.authorization).toBe('Bearer sk_test_local_fake');
    const form = new URLSearchParams(req.body);
    expect(form.get('mode')).toBe('subscription');
    expect(form.get('client_reference_id')).toBe(input.studentId);
    expect(form.get('metadata[checkout_id]')).toBe(input.checkoutId);
    expect(form.get('subscription_data[metadata][student_id]')).toBe(input.studentId);
    expect(form.get('subscription_data[trial_period_days]')).toBe('7');
    expect(form.get('line_items[0][price_data][unit_amount]')).toBe('2900');
    expect(form.get('line_items[0][price_data][currency]')).toBe('usd');
    expect(form.get('line_items[0][price_data][recurring][interval]')).toBe('month');
  });

  it("refunds an invoice's PaymentIntent with our idempotency key", async () => {
    const result = await adapter.refund({ refundId: 'r-1', idempotencyKey: 'refund-key-1', paymentRef: 'in_1', amountMinor: 1450, currency: 'USD', reason: 'tutor cancelled' });
    expect(result).toEqual({ ref: 're_1', status: 'pending' });
    expect(fake.seen.some((r) => r.method === 'GET' && r.url.includes('invoice=in_1'))).toBe(true);
    const req = fake.seen.find((r) => r.url === '/v1/refunds')!;
    expect(req.headers['idempotency-key']).toBe('refund-key-1');
    const form = new URLSearchParams(req.body);
    expect([form.get('payment_intent'), form.get('amount'), form.get('metadata[refund_id]')]).toEqual(['pi_1', '1450', 'r-1']);
  });
});

describe('Stripe adapter: reconciliation reads', () => {
  it('reads a completed session back as paid-invoice, subscription and checkout events', async () => {
    const fake2 = fakeServer((r) => {
      if (r.url.startsWith('/v1/checkout/sessions/cs_test_1')) return { json: { id: 'cs_test_1', object: 'checkout.session', mode: 'subscription', status: 'complete', payment_status: 'paid', subscription: 'sub_1', metadata: { checkout_id: 'c-1' } } };
      if (r.url.startsWith('/v1/subscriptions/sub_1')) return { json: { id: 'sub_1', object: 'subscription', status: 'past_due', cancel_at_period_end: false, metadata: {}, items: { object: 'list', data: [{ current_period_start: 1790000000, current_period_end: 1792592000 }] } } };
      if (r.url.startsWith('/v1/invoices')) return { json: { object: 'list', has_more: false, url: '/v1/invoices', data: [{ id: 'in_9', object: 'invoice', status: 'paid', amount_paid: 2900, currency: 'usd', status_transitions: { paid_at: 1790000100 }, parent: { subscription_details: { subscription: 'sub_1', metadata: {} } } }] } };
      return { status: 404, json: { error: { type: 'invalid_request_error', message: 'no route' } } };
    });
    const port = await fake2.start();
    try {
      const adapter = createStripeAdapter(createStripeClient({ secretKey: 'sk_test_local_fake', host: '127.0.0.1', port, protocol: 'http' }));
      const now = new Date(1_790_100_000_000);
      const events = await adapter.retrieveCheckout('cs_test_1', now);
      expect(events.map((e) => e.type)).toEqual(['checkout.session.completed', 'invoice.paid', 'customer.subscription.updated']);
      expect(events[0]!.checkout).toMatchObject({ ref: 'cs_test_1', status: 'paid', subscriptionRef: 'sub_1' });
      expect(events[1]).toMatchObject({ at: new Date(1_790_000_100_000), payment: { ref: 'in_9', amountMinor: 2900, subscriptionRef: 'sub_1' } });
      expect(events[2]).toMatchObject({ at: now, subscription: { ref: 'sub_1', status: 'past_due' } });
      expect(fake2.seen.find((r) => r.url.startsWith('/v1/invoices'))!.url).toContain('subscription=sub_1');
    } finally {
      await fake2.stop();
    }
  });
});

describe('Razorpay adapter through the official SDK, against a local fake', () => {
  const fake = fakeServer((r) => {
    if (r.method === 'POST' && r.url === '/v1/subscriptions') return { json: { id: 'sub_rzp_1', entity: 'subscription', status: 'created', short_url: 'https://rzp.test/i/sub1' } };
    if (r.method === 'POST' && r.url === '/v1/orders') return { json: { id: 'order_1', entity: 'order', amount: 49900, currency: 'INR', receipt: input.checkoutId, status: 'created', notes: JSON.parse(r.body).notes } };
    if (r.method === 'GET' && r.url === '/v1/orders/order_1') return { json: { id: 'order_1', entity: 'order', amount: 49900, currency: 'INR', status: 'paid', notes: { checkout_id: input.checkoutId, purpose: 'credit_pack' } } };
    if (r.method === 'GET' && r.url === '/v1/orders/order_1/payments')
      return { json: { entity: 'collection', count: 2, items: [
        { id: 'pay_f', entity: 'payment', amount: 49900, currency: 'INR', status: 'failed', order_id: 'order_1', notes: [], created_at: 1790000000 },
        { id: 'pay_c', entity: 'payment', amount: 49900, currency: 'INR', status: 'captured', order_id: 'order_1', notes: [], created_at: 1790000060 },
      ] } };
    if (r.method === 'POST' && r.url === '/v1/payments/pay_1/refund') return { json: { id: 'rfnd_1', entity: 'refund', status: 'processed', amount: 500 } };
    if (r.method === 'GET' && r.url === '/v1/subscriptions/sub_rzp_1') return { json: { id: 'sub_rzp_1', entity: 'subscription', status: 'halted', current_start: 1790793000, current_end: 1793471400, notes: [] } };
    return { status: 404, json: { error: { code: 'BAD_REQUEST_ERROR', description: `no route ${r.method} ${r.url}` } } };
  });
  let adapter: ReturnType<typeof createRazorpayAdapter>;
  beforeAll(async () => {
    const port = await fake.start();
    // The SDK has no base-URL option: createRazorpayClient sets it on the SDK's HTTP client.
    adapter = createRazorpayAdapter(createRazorpayClient({ keyId: 'rzp_test_key', keySecret: 'rzp_test_secret', baseUrl: `http://127.0.0.1:${port}` }));
  });
  afterAll(() => fake.stop());

  const auth = `Basic ${Buffer.from('rzp_test_key:rzp_test_secret').toString('base64')}`;

  it('creates a subscription on the synced plan, and an Order for a one-time payment, paid through our own page', async () => {
    const sub = await adapter.createCheckout({ ...input, providerPriceId: 'plan_rzp_plus' });
    expect(sub).toEqual({ ref: 'sub_rzp_1', url: 'https://rzp.test/i/sub1' });
    const subReq = fake.seen.find((r) => r.url === '/v1/subscriptions')!;
    expect(subReq.headers.authorization).toBe(auth);
    expect(JSON.parse(subReq.body)).toMatchObject({ plan_id: 'plan_rzp_plus', notes: { checkout_id: input.checkoutId, student_id: input.studentId, idempotency_key: input.idempotencyKey } });

    const pack = { ...input, purpose: 'credit_pack' as const, currency: 'inr', amountMinor: 49900 };
    const order = await adapter.createCheckout(pack);
    // No payment link: our page (on the return URL's origin unless payPageUrl says otherwise) posts the order to Razorpay.
    expect(order).toEqual({ ref: 'order_1', url: `http://127.0.0.1/api/billing/razorpay/${input.checkoutId}` });
    const req = fake.seen.find((r) => r.method === 'POST' && r.url === '/v1/orders')!;
    expect(req.headers.authorization).toBe(auth);
    expect(req.headers['content-type']).toMatch(/application\/json/);
    const body = JSON.parse(req.body);
    expect(body).toEqual({ amount: 49900, currency: 'INR', receipt: input.checkoutId, notes: { checkout_id: input.checkoutId, student_id: input.studentId, purpose: 'credit_pack', plan_id: 'plus', idempotency_key: input.idempotencyKey } });
    expect(body.receipt.length).toBeLessThanOrEqual(40);
    expect(fake.seen.some((r) => r.url.startsWith('/v1/payment_links'))).toBe(false);

    // A retry of a checkout that has its order reuses it (Razorpay has no idempotency key); subscriptions are asked again.
    expect(adapter.existingCheckoutUrl!(pack, 'order_1')).toBe(order.url);
    expect(adapter.existingCheckoutUrl!(input, 'sub_rzp_1')).toBeNull();
    const custom = createRazorpayAdapter(createRazorpayClient({ keyId: 'k', keySecret: 's' }), { payPageUrl: (id) => `https://t.example/api/billing/razorpay/${id}` });
    expect(custom.existingCheckoutUrl!(pack, 'order_1')).toBe(`https://t.example/api/billing/razorpay/${input.checkoutId}`);
  });

  it("reconciles an order from its captured payment (a failed attempt is not money), as payment.captured would", async () => {
    const now = new Date('2026-11-30T00:00:00Z');
    const events = await adapter.retrieveCheckout('order_1', now);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'payment.captured', at: new Date(1790000060_000), payment: { ref: 'pay_c', amountMinor: 49900, currency: 'INR', checkoutRef: 'order_1', refs: { checkoutId: input.checkoutId } }, checkout: { ref: 'order_1', status: 'paid' } });
    expect(fake.seen.some((r) => r.method === 'GET' && r.url === '/v1/orders/order_1')).toBe(true);
    expect(await adapter.retrieveCheckout('plink_old', now)).toEqual([]);
  });

  it('refunds with our key in notes and receipt, and reads a subscription back for reconciliation', async () => {
    expect(await adapter.refund({ refundId: 'r-2', idempotencyKey: 'refund-key-2', paymentRef: 'pay_1', amountMinor: 500, currency: 'INR', reason: 'x' })).toEqual({ ref: 'rfnd_1', status: 'pending' });
    expect(JSON.parse(fake.seen.find((r) => r.url === '/v1/payments/pay_1/refund')!.body)).toMatchObject({ amount: 500, receipt: 'r-2', notes: { idempotency_key: 'refund-key-2' } });
    const now = new Date('2026-11-30T00:00:00Z');
    expect(await adapter.retrieveSubscription('sub_rzp_1', now)).toEqual([expect.objectContaining({ at: now, subscription: expect.objectContaining({ ref: 'sub_rzp_1', status: 'unpaid' }) })]);
  });
});

describe("Razorpay hosted checkout: our page and the callback's signature", () => {
  const fields = {
    keyId: 'rzp_test_key',
    orderId: 'order_1',
    name: 'Tutorline',
    description: 'Pack "8" <lessons>',
    prefill: { email: 's@example.test' },
    callbackUrl: 'https://t.example/api/billing/razorpay/c1/callback',
    cancelUrl: 'https://t.example/billing/return?checkout=c1&cancelled=1',
  };

  it("posts exactly Razorpay's documented fields to the hosted checkout, escaped, with a button for no-JS and no third-party script", () => {
    const html = hostedCheckoutPage(fields);
    const form = html.match(/<form id="pay" method="post" action="([^"]+)">([\s\S]*?)<\/form>/)!;
    expect(form[1]).toBe(RAZORPAY_HOSTED_CHECKOUT_URL);
    expect(RAZORPAY_HOSTED_CHECKOUT_URL).toBe('https://api.razorpay.com/v1/checkout/embedded');
    const inputs = [...form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]);
    expect(inputs).toEqual([
      ['key_id', 'rzp_test_key'],
      ['order_id', 'order_1'],
      ['name', 'Tutorline'],
      ['description', 'Pack &quot;8&quot; &lt;lessons&gt;'],
      ['prefill[email]', 's@example.test'],
      ['callback_url', fields.callbackUrl],
      ['cancel_url', 'https://t.example/billing/return?checkout=c1&amp;cancelled=1'],
    ]);
    expect(form[2]).toContain('<button type="submit">Continue to Razorpay</button>');
    expect(html).not.toMatch(/<script[^>]*src=/);
    // The one inline script is allowed by its hash, and the form may go to Razorpay only.
    const script = html.match(/<script>([^<]*)<\/script>/)![1]!;
    expect(HOSTED_CHECKOUT_CSP).toContain(`script-src 'sha256-${createHash('sha256').update(script).digest('base64')}'`);
    expect(HOSTED_CHECKOUT_CSP).toContain('form-action https://api.razorpay.com');
  });

  it('verifies the callback signature (HMAC of order_id|payment_id with the key secret) with the SDK', () => {
    const signature = createHmac('sha256', 'rzp_test_secret').update('order_1|pay_1').digest('hex');
    expect(verifyPaymentSignature('rzp_test_secret', { orderId: 'order_1', paymentId: 'pay_1', signature })).toBe(true);
    expect(verifyPaymentSignature('rzp_test_secret', { orderId: 'order_2', paymentId: 'pay_1', signature })).toBe(false);
    expect(verifyPaymentSignature('other_secret', { orderId: 'order_1', paymentId: 'pay_1', signature })).toBe(false);
    expect(verifyPaymentSignature('rzp_test_secret', { orderId: 'order_1', paymentId: 'pay_1', signature: 'abc' })).toBe(false);
  });
});

describe('webhook verifiers on the signed fixtures', () => {
  const sigs = JSON.parse(read('stripe/events/_signatures.json').toString('utf8'));
  const rsigs = JSON.parse(read('razorpay/events/_signatures.json').toString('utf8'));

  it('Stripe: every fixture verifies at its verify_at time with the SDK, and the worked vector too', () => {
    const v = stripeVerifier(sigs.endpoint_secret);
    for (const f of sigs.files) {
      const d = v.verify(read(`stripe/${f.file}`), { 'stripe-signature': f.headers['Stripe-Signature'] }, new Date(f.verify_at_unix * 1000));
      expect([d.eventId, d.type]).toEqual([f.event_id, f.type]);
    }
    const w = sigs.worked_vector;
    expect(signStripePayload(w.payload, w.secret, w.t)).toBe(w.header);
  });

  it('Stripe: refuses a timestamp more than the tolerance in the future (the SDK alone would accept it)', () => {
    const body = '{"id":"evt_1","object":"event","type":"x","created":1}';
    const now = new Date(1_800_000_000_000);
    expect(() => stripeVerifier('whsec_x').verify(Buffer.from(body), { 'stripe-signature': signStripePayload(body, 'whsec_x', 1_800_000_000 + 301) }, now)).toThrow(/future/);
    expect(stripeVerifier('whsec_x').verify(Buffer.from(body), { 'stripe-signature': signStripePayload(body, 'whsec_x', 1_800_000_000 + 60) }, now).eventId).toBe('evt_1');
  });

  it('Stripe Connect: with a Connect secret, Connect events verify only under it and payment events only under the payments secret', () => {
    const now = new Date(1_800_000_000_000);
    const sign = (body: string, secret: string) => ({ 'stripe-signature': signStripePayload(body, secret, 1_800_000_000) });
    const connect = '{"id":"evt_c1","object":"event","account":"acct_1","type":"account.updated","created":1,"data":{"object":{"id":"acct_1"}}}';
    const other = '{"id":"evt_c2","object":"event","account":"acct_1","type":"payout.paid","created":1,"data":{"object":{}}}';
    const payment = '{"id":"evt_p1","object":"event","type":"payment_intent.succeeded","created":1,"data":{"object":{}}}';
    const both = stripeVerifier('whsec_pay', 'stripe', 'whsec_connect');
    expect(both.verify(Buffer.from(connect), sign(connect, 'whsec_connect'), now).eventId).toBe('evt_c1');
    expect(both.verify(Buffer.from(other), sign(other, 'whsec_connect'), now).eventId).toBe('evt_c2');
    expect(both.verify(Buffer.from(payment), sign(payment, 'whsec_pay'), now).eventId).toBe('evt_p1');
    expect(() => both.verify(Buffer.from(connect), sign(connect, 'whsec_pay'), now)).toThrow(/STRIPE_CONNECT_WEBHOOK_SECRET/);
    expect(() => both.verify(Buffer.from(payment), sign(payment, 'whsec_connect'), now)).toThrow(/does not match the body/);
    // Without one, the payments secret verifies both (the behaviour before the Connect secret existed).
    expect(stripeVerifier('whsec_pay').verify(Buffer.from(connect), sign(connect, 'whsec_pay'), now).eventId).toBe('evt_c1');
  });

  it('Razorpay: every fixture verifies with the SDK; the documented vector body is not an event', () => {
    const v = razorpayVerifier(rsigs.webhook_secret);
    for (const f of rsigs.files) {
      const d = v.verify(read(`razorpay/${f.file}`), { 'x-razorpay-signature': f.headers['X-Razorpay-Signature'], 'x-razorpay-event-id': f.headers['x-razorpay-event-id'] }, new Date());
      expect([d.eventId, d.type]).toEqual([f.headers['x-razorpay-event-id'], f.event]);
    }
    const doc = rsigs.documented_worked_vector;
    expect(() => razorpayVerifier(doc.secret).verify(Buffer.from(doc.body), { 'x-razorpay-signature': doc.signature, 'x-razorpay-event-id': 'e1' }, new Date())).toThrow(/not a Razorpay event/);
    expect(() => razorpayVerifier(doc.secret).verify(Buffer.from(doc.body), { 'x-razorpay-signature': doc.wrong_signature_example, 'x-razorpay-event-id': 'e1' }, new Date())).toThrow(WebhookRejected);
  });

  it('keys each delivery on its signed body too: Stripe by its event id, Razorpay by type, entity ids and created_at', () => {
    const v = razorpayVerifier(rsigs.webhook_secret);
    const keys = (rsigs.files as { file: string; headers: Record<string, string> }[]).map((f) => v.verify(read(`razorpay/${f.file}`), { 'x-razorpay-signature': f.headers['X-Razorpay-Signature'], 'x-razorpay-event-id': 'any-header-id' }, new Date()).bodyKey);
    // The same strings migration 0010 computes in SQL for rows stored before.
    expect(keys).toContain('payment.captured:pay_Qh7TutUpiA0001:1785936827');
    expect(keys).toContain('subscription.charged:sub_Qh7TutPlusM001,pay_Qh7TutSubC0002:1788202260');
    expect(razorpayBodyKey({ event: 'refund.processed', payload: { refund: { entity: { id: 'rfnd_1' } }, payment: { entity: { id: 'pay_1' } } }, created_at: 5 })).toBe('refund.processed:pay_1,rfnd_1:5');
    const f = sigs.files[0]!;
    expect(stripeVerifier(sigs.endpoint_secret).verify(read(`stripe/${f.file}`), { 'stripe-signature': f.headers['Stripe-Signature'] }, new Date(f.verify_at_unix * 1000)).bodyKey).toBe(f.event_id);
  });

  it('refuses a signed body nested too deep before the SDKs parse it, and a Stripe event id that is not an id', () => {
    const deep = `{"entity":"event","event":"x","created_at":1,"payload":${'['.repeat(100)}${']'.repeat(100)}}`;
    expect(() => razorpayVerifier('s').verify(Buffer.from(deep), { 'x-razorpay-signature': createHmac('sha256', 's').update(deep).digest('hex'), 'x-razorpay-event-id': 'e' }, new Date())).toThrow(/64 levels/);
    const stripeDeep = `{"id":"evt_1","object":"event","created":1800000000,"type":"x","data":${'['.repeat(100)}${']'.repeat(100)}}`;
    const now = new Date(1_800_000_000_000);
    expect(() => stripeVerifier('whsec_x').verify(Buffer.from(stripeDeep), { 'stripe-signature': signStripePayload(stripeDeep, 'whsec_x', 1_800_000_000) }, now)).toThrow(/64 levels/);
    const badId = JSON.stringify({ id: 'evt_\u0000', object: 'event', created: 1_800_000_000, type: 'x', data: { object: {} } });
    expect(() => stripeVerifier('whsec_x').verify(Buffer.from(badId), { 'stripe-signature': signStripePayload(badId, 'whsec_x', 1_800_000_000) }, now)).toThrow(/not an event id/);
  });
});

describe('normalizers on the fixtures', () => {
  const stripe = (f: string) => normalizeStripeEvent(JSON.parse(read(`stripe/events/${f}`).toString('utf8')));
  const rzp = (f: string) => normalizeRazorpayEvent(JSON.parse(read(`razorpay/events/${f}`).toString('utf8')));

  it('Stripe', () => {
    expect(stripe('invoice.paid.json')).toMatchObject({ at: new Date(1785748516000), payment: { ref: 'in_1QT7uTrPlAtFInv0001Aug', amountMinor: 2900, currency: 'USD', subscriptionRef: 'sub_1QT7uTrPlAtFSb9pLusM0n', refs: { planId: 'TUTOR_PLUS_M' } } });
    expect(stripe('invoice.payment_failed.json').paymentFailed).toMatchObject({ subscriptionRef: 'sub_1QT7uTrPlAtFSb9pLusM0n' });
    expect(stripe('customer.subscription.created.json').subscription).toMatchObject({ status: 'incomplete', periodEnd: new Date(1788426912000) });
    expect(stripe('customer.subscription.updated.json').subscription!.status).toBe('active');
    expect(stripe('customer.subscription.deleted.json').subscription!.status).toBe('ended');
    expect(stripe('checkout.session.completed.json').checkout).toMatchObject({ status: 'paid', subscriptionRef: 'sub_1QT7uTrPlAtFSb9pLusM0n' });
    expect(stripe('charge.refunded.json').refund).toMatchObject({ paymentRefs: ['ch_3QT7uTrPlAtFChg0001Aug', 'pi_3QT7uTrPlAtFPay0001Aug'], totalRefundedMinor: 1450, idempotencyKey: 'refund-stu_01J8ZK4Q2M-2026-08-10' });
    expect(normalizeStripeEvent({ type: 'customer.created', created: 1, data: { object: {} } }).ignored).toBe('unknown_type');
  });

  it('Razorpay', () => {
    expect(rzp('payment.captured.json')).toMatchObject({ payment: { ref: 'pay_Qh7TutUpiA0001', amountMinor: 299900, currency: 'INR', checkoutRef: 'order_Qh7TutPackA001' }, checkout: { status: 'paid' } });
    expect(rzp('subscription.charged.json')).toMatchObject({ subscription: { ref: 'sub_Qh7TutPlusM001', status: 'active' }, payment: { ref: 'pay_Qh7TutSubC0002', subscriptionRef: 'sub_Qh7TutPlusM001' } });
    expect(rzp('subscription.halted.json').subscription!.status).toBe('unpaid');
    expect(rzp('refund.processed.json').refund).toMatchObject({ ref: 'rfnd_Qh7TutRefA0001', paymentRefs: ['pay_Qh7TutUpiA0001'], amountMinor: 74975 });
  });
});

describe('payments configuration', () => {
  it('defaults to the fake outside production, never allows it in production, and needs both keys of a provider', async () => {
    expect(loadConfig({ NODE_ENV: 'development' }).payments).toEqual({ provider: 'fake', stripe: null, razorpay: null, payouts: { provider: 'fake' } });
    expect(loadConfig({ NODE_ENV: 'production', WEB_PUSH: 'false', PUBLIC_URL: 'https://t.example' }).payments.provider).toBe('none');
    expect(() => loadConfig({ NODE_ENV: 'production', WEB_PUSH: 'false', PUBLIC_URL: 'https://t.example', BILLING_PROVIDER: 'fake' })).toThrow(/BILLING_PROVIDER: the fake provider is for development only/);
    expect(() => loadConfig({ BILLING_PROVIDER: 'stripe', STRIPE_SECRET_KEY: 'sk_test_x' })).toThrow(/STRIPE_WEBHOOK_SECRET: is required for Stripe/);
    expect(() => loadConfig({ STRIPE_WEBHOOK_SECRET: 'not-a-secret' })).toThrow(/STRIPE_WEBHOOK_SECRET/);
    const stripe = loadConfig({ NODE_ENV: 'production', WEB_PUSH: 'false', PUBLIC_URL: 'https://t.example', STRIPE_SECRET_KEY: 'sk_live_x', STRIPE_WEBHOOK_SECRET: 'whsec_x' }).payments;
    expect(stripe).toMatchObject({ provider: 'stripe', stripe: { secretKey: 'sk_live_x', webhookSecret: 'whsec_x' }, razorpay: null });
    expect(() => loadConfig({ BILLING_PROVIDER: 'razorpay', RAZORPAY_KEY_ID: 'rzp_test_12345' })).toThrow(/RAZORPAY_KEY_SECRET: is required for Razorpay/);
  });

  it('selects the payout provider (issue #18), naming each variable it still needs', () => {
    expect(() => loadConfig({ PAYOUT_PROVIDER: 'razorpayx' })).toThrow(/RAZORPAYX_ACCOUNT_NUMBER: is required when PAYOUT_PROVIDER is razorpayx/);
    expect(() => loadConfig({ PAYOUT_PROVIDER: 'stripe-connect' })).toThrow(/STRIPE_SECRET_KEY: is required when PAYOUT_PROVIDER is stripe-connect/);
    expect(() => loadConfig({ PAYOUT_PROVIDER: 'paypal' })).toThrow(/PAYOUT_PROVIDER/);
    const rx = { PAYOUT_PROVIDER: 'razorpayx', RAZORPAY_KEY_ID: 'rzp_live_12345', RAZORPAY_KEY_SECRET: 'secret_12345', RAZORPAY_WEBHOOK_SECRET: 'whsec_12345', RAZORPAYX_ACCOUNT_NUMBER: '7878780080316316' };
    expect(loadConfig(rx).payments.payouts).toEqual({ provider: 'razorpayx', baseUrl: 'https://api.razorpay.com', keyId: 'rzp_live_12345', keySecret: 'secret_12345', accountNumber: '7878780080316316' });
    expect(loadConfig({ PAYOUT_PROVIDER: 'stripe-connect', STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_WEBHOOK_SECRET: 'whsec_x' }).payments.payouts).toEqual({ provider: 'stripe-connect', baseUrl: 'https://api.stripe.com', secretKey: 'sk_test_x', country: 'US' });
  });

  it("takes the Connect endpoint's own signing secret, optional, whsec_ and only beside Stripe's keys", () => {
    const stripe = { STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_WEBHOOK_SECRET: 'whsec_x' };
    expect(loadConfig({ ...stripe, STRIPE_CONNECT_WEBHOOK_SECRET: 'whsec_connect' }).payments.stripe).toEqual({ secretKey: 'sk_test_x', webhookSecret: 'whsec_x', connectWebhookSecret: 'whsec_connect' });
    expect(loadConfig(stripe).payments.stripe).toEqual({ secretKey: 'sk_test_x', webhookSecret: 'whsec_x' });
    expect(() => loadConfig({ ...stripe, STRIPE_CONNECT_WEBHOOK_SECRET: 'connect-secret' })).toThrow(/STRIPE_CONNECT_WEBHOOK_SECRET: must be a webhook signing secret/);
    expect(() => loadConfig({ STRIPE_CONNECT_WEBHOOK_SECRET: 'whsec_connect' })).toThrow(/STRIPE_SECRET_KEY: is required for Stripe/);
  });

  it('production never runs the fake payout adapter: unset is none (payouts off), fake is refused by name', () => {
    const prod = { NODE_ENV: 'production', WEB_PUSH: 'false', PUBLIC_URL: 'https://t.example' };
    expect(loadConfig(prod).payments.payouts).toEqual({ provider: 'none', defaulted: true });
    expect(loadConfig({ ...prod, PAYOUT_PROVIDER: 'none' }).payments.payouts).toEqual({ provider: 'none', defaulted: false });
    expect(() => loadConfig({ ...prod, PAYOUT_PROVIDER: 'fake' })).toThrow(/PAYOUT_PROVIDER: the fake payout adapter is for development only/);
    expect(loadConfig({ NODE_ENV: 'test' }).payments.payouts).toEqual({ provider: 'fake' });
    expect(loadConfig({ NODE_ENV: 'development', PAYOUT_PROVIDER: 'none' }).payments.payouts).toEqual({ provider: 'none', defaulted: false });
  });
});
