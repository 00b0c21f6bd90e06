import { createHmac } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from '../../../../test/db';
import type { PaymentsConfig } from '../../../config';
import { signStripePayload } from '../../../integrations/stripe';
import { schema } from '../../../../test/schema';
import {
  type BillingTestApp,
  counts,
  ensurePlan,
  insertStudent,
  RAZORPAY_SECRET,
  razorpayBody,
  recordingLedger,
  settableClock,
  startBillingApp,
  STRIPE_SECRET,
  subscriptionByRef,
} from './providers.testkit';
import { RECONCILE_QUEUE } from './reconcile.service';
import { WEBHOOK_SWEEP_QUEUE } from './webhooks.service';

const payments: PaymentsConfig = {
  provider: 'stripe',
  // The SDKs are never called in this suite; an unreachable local port makes sure of it.
  stripe: { secretKey: 'sk_test_unused', webhookSecret: STRIPE_SECRET, host: '127.0.0.1', port: 9, protocol: 'http' },
  razorpay: { keyId: 'rzp_test_unused', keySecret: 'rzp_test_unused_secret', webhookSecret: RAZORPAY_SECRET, baseUrl: 'http://127.0.0.1:9' },
};

const T0 = 1_790_000_000;
/** Text PostgreSQL's jsonb cannot hold: a NUL, and a lone (high) surrogate. */
const NUL = '\u0000';
const LONE = '\ud800';
const DEEP = 300_000;

/** A Stripe invoice.paid for our subscription, with hostile text in fields we never act on (and in a key). */
function stripeInvoicePaid(id: string, created: number, o: { sub: string; student: string; invoice: string }) {
  const metadata = { student_id: o.student, plan_id: 'plus', purpose: 'subscription' };
  const object = {
    id: o.invoice,
    object: 'invoice',
    status: 'paid',
    amount_paid: 2900,
    currency: 'usd',
    customer_name: `Asha${NUL} K${LONE}`,
    description: `Maths${NUL}${NUL} plan ${LONE}!`,
    custom_fields: [{ name: `note${NUL}`, value: `x${LONE}` }],
    footer_notes: { [`odd${NUL}key`]: 'v' },
    parent: { type: 'subscription_details', subscription_details: { subscription: o.sub, metadata } },
  };
  return JSON.stringify({ id, object: 'event', api_version: '2026-07-29.dahlia', created, data: { object }, livemode: false, type: 'invoice.paid' });
}

/** The fixture payment.captured for one of our orders, with hostile text in its description and notes. */
function razorpayCaptured(orderId: string, paymentId: string, hostile = true) {
  const body = JSON.parse(razorpayBody({ file: 'events/payment.captured.json' }).toString('utf8'));
  Object.assign(body.payload.payment.entity, { id: paymentId, order_id: orderId, notes: [] });
  if (hostile) Object.assign(body.payload.payment.entity, { description: `Pack${NUL} for ${LONE}Anya`, notes: { comment: `a${NUL}b${LONE}c` } });
  return JSON.stringify(body);
}
const razorpayHeaders = (raw: string, eventId: string) => ({ 'x-razorpay-signature': createHmac('sha256', RAZORPAY_SECRET).update(raw).digest('hex'), 'x-razorpay-event-id': eventId });

/** JSON nested `depth` levels deep inside an otherwise ordinary event. */
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/**
 * Issue #12, items 7 and 10: validly signed payment webhooks whose text PostgreSQL's jsonb cannot hold are stored (raw
 * bytes exactly as received, the parsed payload cleaned) and processed; absurd nesting is a 400 before parsing; a
 * Razorpay body re-posted under another x-razorpay-event-id is the same event.
 */
describeEachBackend('billing: hostile but validly signed payment webhooks', ({ backend, db }) => {
  let t: BillingTestApp;
  const clock = settableClock(new Date(T0 * 1000 + 7_000));
  const ledger = recordingLedger();
  const post = (path: string, body: Buffer | string, headers: Record<string, string>) =>
    fetch(t.baseUrl + path, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } }).then(async (r) => ({ status: r.status, json: (await r.json()) as any }));
  const eventRow = async (eventId: string) => (await db().database.db.select().from(schema.providerEvents).where(eq(schema.providerEvents.eventId, eventId)))[0];

  beforeAll(async () => {
    t = await startBillingApp(db().database, { clock, payments, ledger: ledger.port });
    await ensurePlan(db().database, 'plus');
    await ensurePlan(db().database, 'pack8', 'credit_pack', { INR: 299900 });
    await db().database.db.delete(schema.jobs).where(inArray(schema.jobs.queue, [RECONCILE_QUEUE.queue, WEBHOOK_SWEEP_QUEUE.queue]));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('Stripe: an event with NUL and a lone surrogate is stored byte for byte, its payload cleaned, and processed once', async () => {
    const database = db().database;
    const student = await insertStudent(database);
    const ref = `sub_hostile_${backend}`;
    await database.db.insert(schema.subscriptions).values({ studentId: student, planId: 'plus', currency: 'USD', status: 'incomplete', provider: 'stripe', providerSubscriptionId: ref, createdAt: new Date(), updatedAt: new Date() });
    const eventId = `evt_hostile_${backend}`;
    const raw = stripeInvoicePaid(eventId, T0, { sub: ref, student, invoice: `in_hostile_${backend}` });
    expect(raw).toContain('\\u0000');
    expect(raw).toContain('\\ud800');
    clock.set(new Date((T0 + 2) * 1000));
    const before = await counts(database);

    const res = await post('/webhooks/stripe', raw, { 'stripe-signature': signStripePayload(raw, STRIPE_SECRET, T0) });
    expect(res).toEqual({ status: 200, json: { received: true, duplicate: false } });
    const row = (await eventRow(eventId))!;
    expect(Buffer.from(row.rawBody).equals(Buffer.from(raw))).toBe(true);
    const object = (row.payload as any).data.object;
    expect(object.customer_name).toBe('Asha K\ufffd');
    expect(object.description).toBe('Maths plan \ufffd!');
    expect(object.custom_fields).toEqual([{ name: 'note', value: 'x\ufffd' }]);
    expect(object.footer_notes).toEqual({ oddkey: 'v' });

    await t.app.jobs.drain();
    expect((await eventRow(eventId))!.outcome).toBe('applied');
    expect((await subscriptionByRef(database, ref))!.status).toBe('active');
    const paid = await database.db.select().from(schema.payments).where(eq(schema.payments.providerPaymentId, `in_hostile_${backend}`));
    expect(paid).toHaveLength(1);
    expect(ledger.calls.filter((c) => c.id === paid[0]!.id)).toHaveLength(1);
    const after = await counts(database);
    expect({ ...after, jobs: 0 }).toEqual({ ...before, events: before.events + 1, payments: before.payments + 1, transitions: before.transitions + 1, jobs: 0 });
  });

  it('Razorpay: a payment with NUL and a lone surrogate is stored byte for byte, its payload cleaned, and pays its order', async () => {
    const database = db().database;
    const student = await insertStudent(database);
    const order = `order_hostile_${backend}`;
    await database.db.insert(schema.checkouts).values({ studentId: student, purpose: 'credit_pack', planId: 'pack8', currency: 'INR', amountMinor: 299900, provider: 'razorpay', providerRef: order, idempotencyKey: `hostile-${backend}`, createdAt: new Date() });
    const raw = razorpayCaptured(order, `pay_hostile_${backend}`);
    const eventId = `EvtHostile${backend}`;
    const before = await counts(database);

    const res = await post('/webhooks/razorpay', raw, razorpayHeaders(raw, eventId));
    expect(res).toEqual({ status: 200, json: { received: true, duplicate: false } });
    const row = (await eventRow(eventId))!;
    expect(Buffer.from(row.rawBody).equals(Buffer.from(raw))).toBe(true);
    const entity = (row.payload as any).payload.payment.entity;
    expect(entity.description).toBe('Pack for \ufffdAnya');
    expect(entity.notes).toEqual({ comment: 'ab\ufffdc' });

    await t.app.jobs.drain();
    expect((await eventRow(eventId))!.outcome).toBe('applied');
    const [checkout] = await database.db.select().from(schema.checkouts).where(eq(schema.checkouts.providerRef, order));
    expect(checkout!.status).toBe('paid');
    expect(await database.db.select().from(schema.payments).where(eq(schema.payments.providerPaymentId, `pay_hostile_${backend}`))).toHaveLength(1);
    const after = await counts(database);
    expect({ ...after, jobs: 0 }).toEqual({ ...before, events: before.events + 1, payments: before.payments + 1, jobs: 0 });
  });

  it('refuses a signed body nested 300,000 levels deep with a 400 before parsing, on both routes, changing nothing', async () => {
    const database = db().database;
    const before = await counts(database);
    clock.set(new Date((T0 + 2) * 1000));
    const stripeRaw = `{"id":"evt_deep_${backend}","object":"event","created":${T0},"type":"invoice.paid","data":{"object":${nested(DEEP)}}}`;
    const s = await post('/webhooks/stripe', stripeRaw, { 'stripe-signature': signStripePayload(stripeRaw, STRIPE_SECRET, T0) });
    expect(s.status).toBe(400);
    expect(s.json.error).toMatchObject({ code: 'json_too_deep', requestId: expect.any(String) });

    const rzpRaw = `{"entity":"event","event":"payment.captured","contains":["payment"],"payload":{"payment":{"entity":{"id":"pay_deep","x":${nested(DEEP)}}}},"created_at":${T0}}`;
    const r = await post('/webhooks/razorpay', rzpRaw, razorpayHeaders(rzpRaw, `EvtDeep${backend}`));
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('json_too_deep');

    // 64 levels is fine (stored and answered 200); 65 is not.
    const ok = `{"id":"evt_depth64_${backend}","object":"event","created":${T0},"type":"unknown.kind","data":{"object":{"x":${nested(61)}}}}`;
    expect((await post('/webhooks/stripe', ok, { 'stripe-signature': signStripePayload(ok, STRIPE_SECRET, T0) })).status).toBe(200);
    const tooDeep = `{"id":"evt_depth65_${backend}","object":"event","created":${T0},"type":"unknown.kind","data":{"object":{"x":${nested(62)}}}}`;
    expect((await post('/webhooks/stripe', tooDeep, { 'stripe-signature': signStripePayload(tooDeep, STRIPE_SECRET, T0) })).status).toBe(400);
    expect(await counts(database)).toEqual({ ...before, events: before.events + 1, jobs: before.jobs + 1 });
    await t.app.jobs.drain();
    expect(t.logs()).not.toContain('Maximum call stack');
  });

  it('Razorpay: the same signed body under two different x-razorpay-event-id headers is one inbox row and one processing', async () => {
    const database = db().database;
    const student = await insertStudent(database);
    const order = `order_replay_${backend}`;
    await database.db.insert(schema.checkouts).values({ studentId: student, purpose: 'credit_pack', planId: 'pack8', currency: 'INR', amountMinor: 299900, provider: 'razorpay', providerRef: order, idempotencyKey: `replay-${backend}`, createdAt: new Date() });
    const raw = razorpayCaptured(order, `pay_replay_${backend}`, false);

    const first = await post('/webhooks/razorpay', raw, razorpayHeaders(raw, `EvtReplayA${backend}`));
    expect(first).toEqual({ status: 200, json: { received: true, duplicate: false } });
    await t.app.jobs.drain();
    // A captured body re-posted later with a fresh (unsigned) event id.
    const replay = await post('/webhooks/razorpay', raw, razorpayHeaders(raw, `EvtReplayB${backend}`));
    expect(replay).toEqual({ status: 200, json: { received: true, duplicate: true } });
    await t.app.jobs.drain();

    const rows = (await database.db.select().from(schema.providerEvents).where(eq(schema.providerEvents.provider, 'razorpay'))).filter((r) => Buffer.from(r.rawBody).equals(Buffer.from(raw)));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ eventId: `EvtReplayA${backend}`, deliveries: 2, outcome: 'applied', attempts: 1 });
    const paid = await database.db.select().from(schema.payments).where(eq(schema.payments.providerPaymentId, `pay_replay_${backend}`));
    expect(paid).toHaveLength(1);
    expect(ledger.calls.filter((c) => c.id === paid[0]!.id)).toHaveLength(1);
    expect(t.logs()).toContain(`"providerEventId":"EvtReplayB${backend}"`);
  });
});
