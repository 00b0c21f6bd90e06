import { createHmac } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from '../../../../test/db';
import { razorpayVerifier } from '../../../integrations/razorpay';
import { signStripePayload, stripeVerifier } from '../../../integrations/stripe';
import { schema } from '../../../../test/schema';
import type { PaymentsConfig } from '../../../config';
import {
  type BillingTestApp,
  counts,
  ensurePlan,
  insertStudent,
  RAZORPAY_SECRET,
  razorpayBody,
  razorpaySignatures,
  recordingLedger,
  settableClock,
  startBillingApp,
  STRIPE_SECRET,
  stripeBody,
  stripeSignatures,
  subscriptionByRef,
} from './providers.testkit';
import { RECONCILE_QUEUE } from './reconcile.service';
import { WEBHOOK_SWEEP_QUEUE } from './webhooks.service';

const payments: PaymentsConfig = {
  provider: 'stripe',
  // The SDK is never called in this suite; an unreachable local port makes sure of it.
  stripe: { secretKey: 'sk_test_unused', webhookSecret: STRIPE_SECRET, host: '127.0.0.1', port: 9, protocol: 'http' },
  razorpay: { keyId: 'rzp_test_unused', keySecret: 'rzp_test_unused_secret', webhookSecret: RAZORPAY_SECRET, baseUrl: 'http://127.0.0.1:9' },
};

const T0 = 1_790_000_000; // seconds; not on a minute boundary, so no periodic job is due

/** A Stripe-shaped lifecycle event for our own subscription (our ids in its metadata). */
function lifecycleEvent(id: string, created: number, type: string, o: { sub: string; student: string; plan: string; status?: string; invoice?: string; amount?: number }) {
  const metadata = { student_id: o.student, plan_id: o.plan, purpose: 'subscription' };
  const object =
    type.startsWith('customer.subscription')
      ? { id: o.sub, object: 'subscription', status: o.status, currency: 'usd', cancel_at_period_end: false, metadata, items: { data: [{ current_period_start: created, current_period_end: created + 2_592_000 }] } }
      : { id: o.invoice, object: 'invoice', status: type === 'invoice.paid' ? 'paid' : 'open', amount_paid: type === 'invoice.paid' ? (o.amount ?? 2900) : 0, currency: 'usd', parent: { type: 'subscription_details', subscription_details: { subscription: o.sub, metadata } } };
  return `${JSON.stringify({ id, object: 'event', api_version: '2026-07-29.dahlia', created, data: { object }, livemode: false, type }, null, 2)}\n`;
}

describeEachBackend('billing: payment webhooks', ({ backend, db }) => {
  let t: BillingTestApp;
  const clock = settableClock(new Date(T0 * 1000 + 7_000));
  const ledger = recordingLedger();
  const post = (path: string, body: Buffer | string, headers: Record<string, string>) =>
    fetch(t.baseUrl + path, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } }).then(async (r) => ({ status: r.status, json: (await r.json()) as any }));

  beforeAll(async () => {
    t = await startBillingApp(db().database, { clock, payments, ledger: ledger.port });
    await ensurePlan(db().database, 'TUTOR_PLUS_M');
    await ensurePlan(db().database, 'plus');
    // This suite moves its clock across months: keep the periodic reconcile (it would call Stripe) and sweep out of it.
    await db().database.db.delete(schema.jobs).where(inArray(schema.jobs.queue, [RECONCILE_QUEUE.queue, WEBHOOK_SWEEP_QUEUE.queue]));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses bad Stripe and Razorpay deliveries with a 400 and a clear message, storing nothing', async () => {
    const database = db().database;
    const before = await counts(database);
    const f = stripeSignatures().files.find((x) => x.type === 'invoice.paid')!;
    const raw = stripeBody(f);
    const header = f.headers['Stripe-Signature']!;
    clock.set(new Date(f.verify_at_unix * 1000));
    const tampered = Buffer.from(raw.toString('utf8').replace('"amount_paid": 2900', '"amount_paid": 29000'));
    const reserialised = JSON.stringify(JSON.parse(raw.toString('utf8')));
    const cases: [string, Buffer | string, Record<string, string>, RegExp][] = [
      ['missing header', raw, {}, /Stripe-Signature header is missing/],
      ['malformed header', raw, { 'stripe-signature': 'garbage' }, /malformed/],
      ['tampered body', tampered, { 'stripe-signature': header }, /does not match/],
      ['re-serialised JSON', reserialised, { 'stripe-signature': header }, /does not match/],
      ['wrong secret', raw, { 'stripe-signature': signStripePayload(raw.toString('utf8'), 'whsec_test_tutoring_fixture_OLD_0a11c3e5', f.t) }, /does not match/],
    ];
    for (const [name, body, headers, message] of cases) {
      const res = await post('/webhooks/stripe', body, headers);
      expect(res.status, name).toBe(400);
      expect(res.json.error.message, name).toMatch(message);
    }
    // Old: 301 seconds after the signed timestamp (the tolerance is 300).
    clock.set(new Date((f.t + 301) * 1000));
    const old = await post('/webhooks/stripe', raw, { 'stripe-signature': header });
    expect(old.status).toBe(400);
    expect(old.json.error.message).toMatch(/too old/);

    const r = razorpaySignatures().files.find((x) => x.event === 'payment.captured')!;
    const rraw = razorpayBody(r);
    const sig = r.headers['X-Razorpay-Signature']!;
    const eventId = r.headers['x-razorpay-event-id']!;
    const rcases: [string, Buffer | string, Record<string, string>, RegExp][] = [
      ['missing signature', rraw, { 'x-razorpay-event-id': eventId }, /X-Razorpay-Signature header is missing/],
      ['missing event id', rraw, { 'x-razorpay-signature': sig }, /x-razorpay-event-id header is missing/],
      ['tampered body', Buffer.from(rraw.toString('utf8').replace('299900', '299901')), { 'x-razorpay-signature': sig, 'x-razorpay-event-id': eventId }, /does not match/],
      ['re-serialised JSON', JSON.stringify(JSON.parse(rraw.toString('utf8'))), { 'x-razorpay-signature': sig, 'x-razorpay-event-id': eventId }, /does not match/],
      ['wrong secret', rraw, { 'x-razorpay-signature': createHmac('sha256', 'rzp_old_webhook_secret_Tut0r_22aa').update(rraw).digest('hex'), 'x-razorpay-event-id': eventId }, /does not match/],
    ];
    for (const [name, body, headers, message] of rcases) {
      const res = await post('/webhooks/razorpay', body, headers);
      expect(res.status, name).toBe(400);
      expect(res.json.error.message, name).toMatch(message);
    }
    expect(await counts(database)).toEqual(before);
    expect(t.logs()).toContain('"event":"payment_webhook_refused"');
  });

  it('accepts every signed fixture at its verify time, stores it once, counts a repeat as a delivery, and processes it', async () => {
    const database = db().database;
    // What we knew before the events: the student's Stripe subscription, the refund we asked for, a Razorpay order and subscription.
    const student = await insertStudent(database);
    await database.db.insert(schema.subscriptions).values({ studentId: student, planId: 'TUTOR_PLUS_M', currency: 'USD', status: 'incomplete', provider: 'stripe', providerSubscriptionId: 'sub_1QT7uTrPlAtFSb9pLusM0n', createdAt: clock.now(), updatedAt: clock.now() });
    await database.db.insert(schema.subscriptions).values({ studentId: student, planId: 'plus', currency: 'INR', status: 'incomplete', provider: 'razorpay', providerSubscriptionId: 'sub_Qh7TutPlusM001', createdAt: clock.now(), updatedAt: clock.now() });
    await ensurePlan(database, 'pack8', 'credit_pack', { INR: 299900 });
    await database.db.insert(schema.checkouts).values({ studentId: student, purpose: 'credit_pack', planId: 'pack8', currency: 'INR', amountMinor: 299900, provider: 'razorpay', providerRef: 'order_Qh7TutPackA001', idempotencyKey: 'fixture-pack', createdAt: clock.now() });

    for (const f of stripeSignatures().files) {
      clock.set(new Date(f.verify_at_unix * 1000));
      const first = await post('/webhooks/stripe', stripeBody(f), { 'stripe-signature': f.headers['Stripe-Signature']! });
      expect(first, f.file).toEqual({ status: 200, json: { received: true, duplicate: false } });
      const again = await post('/webhooks/stripe', stripeBody(f), { 'stripe-signature': f.headers['Stripe-Signature']! });
      expect(again.json.duplicate).toBe(true);
    }
    for (const r of razorpaySignatures().files) {
      const res = await post('/webhooks/razorpay', razorpayBody(r), { 'x-razorpay-signature': r.headers['X-Razorpay-Signature']!, 'x-razorpay-event-id': r.headers['x-razorpay-event-id']! });
      expect(res, r.file).toEqual({ status: 200, json: { received: true, duplicate: false } });
    }
    const rows = await database.db.select().from(schema.providerEvents);
    const stripeRows = rows.filter((r) => r.provider === 'stripe');
    expect(stripeRows).toHaveLength(stripeSignatures().files.length);
    expect(stripeRows.every((r) => r.deliveries === 2)).toBe(true);
    // Stored exactly as received.
    const paid = stripeRows.find((r) => r.type === 'invoice.paid')!;
    // (raw_body is bytea since issue #12: the same bytes, compared byte for byte.)
    expect(Buffer.from(paid.rawBody).toString('utf8')).toBe(stripeBody({ file: 'events/invoice.paid.json' }).toString('utf8'));
    expect(Buffer.from(paid.rawBody).equals(stripeBody({ file: 'events/invoice.paid.json' }))).toBe(true);
    expect(rows.filter((r) => r.provider === 'razorpay').map((r) => r.eventId).sort()).toEqual(['Qh7EvtPayCapt001', 'Qh7EvtRefProc001', 'Qh7EvtSubChrg002', 'Qh7EvtSubHalt003']);

    // Processing was queued (and poked) on arrival; make sure every job has run.
    clock.set(new Date(1_791_100_000_000));
    await t.app.jobs.drain();
    const [stripePayment] = await database.db.select().from(schema.payments).where(eq(schema.payments.providerPaymentId, 'in_1QT7uTrPlAtFInv0001Aug'));
    expect(stripePayment).toMatchObject({ amountMinor: 2900, currency: 'USD', studentId: student, status: 'succeeded', refundedMinor: 0 });

    const stripeSub = (await subscriptionByRef(database, 'sub_1QT7uTrPlAtFSb9pLusM0n'))!;
    // created(incomplete) → invoice.paid → active; payment_failed (Sept) → past_due; deleted at period end → canceled.
    expect(stripeSub.status).toBe('canceled');
    const history = await database.db.select().from(schema.subscriptionTransitions).where(eq(schema.subscriptionTransitions.subscriptionId, stripeSub.id)).orderBy(schema.subscriptionTransitions.id);
    expect(history.map((h) => `${h.fromStatus}→${h.toStatus}:${h.event}`)).toEqual(['incomplete→active:payment_succeeded', 'active→past_due:payment_failed', 'past_due→canceled:period_ended']);
    expect(history[0]!.providerEventId).toBe('evt_1QT7uTrPlAtFInvPaid00001');

    const events = await database.db.select().from(schema.providerEvents);
    expect(events.every((e) => e.processedAt !== null)).toBe(true);
    const outcome = (id: string) => events.find((e) => e.eventId === id)!.outcome;
    // charge.refunded names no invoice: unmatched by ids, it is "unknown_payment" unless we asked for it (next test).
    expect(outcome('evt_3QT7uTrPlAtFChgRefunded1')).toBe('applied:unknown_payment');
    expect(outcome('evt_1QT7uTrPlAtFCsCompleted1')).toBe('applied:unknown_checkout');

    const rzpSub = (await subscriptionByRef(database, 'sub_Qh7TutPlusM001'))!;
    // charged (active) then halted: retries exhausted → the grace period (past_due).
    expect(rzpSub.status).toBe('past_due');
    const rzpPayments = await database.db.select().from(schema.payments).where(eq(schema.payments.provider, 'razorpay'));
    expect(rzpPayments.map((p) => [p.providerPaymentId, p.amountMinor, p.refundedMinor]).sort()).toEqual([
      ['pay_Qh7TutSubC0002', 149900, 0],
      ['pay_Qh7TutUpiA0001', 299900, 74975],
    ]);
    const [pack] = await database.db.select().from(schema.checkouts).where(eq(schema.checkouts.providerRef, 'order_Qh7TutPackA001'));
    expect(pack!.status).toBe('paid');
    const creditCall = ledger.calls.find((c) => c.kind === 'payment' && (c.p as { amountMinor: number }).amountMinor === 299900)!;
    expect(creditCall.p).toMatchObject({ purpose: 'credit_pack', credits: 10, currency: 'INR' });
    expect(ledger.calls.filter((c) => c.kind === 'refund')).toHaveLength(1);
  });

  it('settles a Stripe refund we asked for when charge.refunded carries our idempotency key', async () => {
    const database = db().database;
    const student = await insertStudent(database);
    const [payment] = await database.db
      .insert(schema.payments)
      .values({ provider: 'stripe', providerPaymentId: 'in_refund_case', studentId: student, amountMinor: 2900, currency: 'USD', status: 'succeeded', paidAt: new Date() })
      .returning();
    await database.db.insert(schema.refunds).values({ paymentId: payment!.id, provider: 'stripe', amountMinor: 1450, currency: 'USD', status: 'requested', reason: 'tutor cancelled', idempotencyKey: 'refund-stu_01J8ZK4Q2M-2026-08-10', createdAt: clock.now() });
    // The fixture was already stored (and found no payment): a redelivery is a duplicate; process it again by hand.
    const f = stripeSignatures().files.find((x) => x.type === 'charge.refunded')!;
    await database.db.update(schema.providerEvents).set({ processedAt: null, outcome: null }).where(and(eq(schema.providerEvents.provider, 'stripe'), eq(schema.providerEvents.eventId, f.event_id)));
    expect(await t.app.payments.webhooks.processEvent('stripe', f.event_id)).toBe('applied');
    const [refund] = await database.db.select().from(schema.refunds).where(eq(schema.refunds.paymentId, payment!.id));
    expect(refund).toMatchObject({ status: 'succeeded', amountMinor: 1450 });
    const [after] = await database.db.select().from(schema.payments).where(eq(schema.payments.id, payment!.id));
    expect(after).toMatchObject({ refundedMinor: 1450, status: 'partially_refunded' });
  });

  const sendTimes = async (n: number, concurrent: boolean, body: string, sig: string) => {
    const one = () => post('/webhooks/stripe', body, { 'stripe-signature': sig });
    const results = concurrent ? await Promise.all(Array.from({ length: n }, one)) : [];
    if (!concurrent) for (let i = 0; i < n; i++) results.push(await one());
    return results;
  };

  for (const mode of ['serially', 'concurrently'] as const) {
    it(`one signed event delivered 100 times ${mode}: one row, one state change, one payment, one ledger posting`, async () => {
      const database = db().database;
      const student = await insertStudent(database);
      const ref = `sub_proof_${mode}_${backend}`;
      await database.db.insert(schema.subscriptions).values({ studentId: student, planId: 'plus', currency: 'USD', status: 'incomplete', provider: 'stripe', providerSubscriptionId: ref, createdAt: clock.now(), updatedAt: clock.now() });
      const sub = (await subscriptionByRef(database, ref))!;
      const at = T0 + 100;
      clock.set(new Date((at + 2) * 1000));
      const eventId = `evt_proof_${mode}_${backend}`;
      const body = lifecycleEvent(eventId, at, 'invoice.paid', { sub: ref, student, plan: 'plus', invoice: `in_proof_${mode}_${backend}` });
      const results = await sendTimes(100, mode === 'concurrently', body, signStripePayload(body, STRIPE_SECRET, at));
      expect(results.every((r) => r.status === 200)).toBe(true);
      expect(results.filter((r) => r.json.duplicate === false)).toHaveLength(1);
      await t.app.jobs.drain();
      // A late duplicate after processing changes nothing either.
      expect((await post('/webhooks/stripe', body, { 'stripe-signature': signStripePayload(body, STRIPE_SECRET, at) })).json.duplicate).toBe(true);
      await t.app.jobs.drain();

      const rows = await database.db.select().from(schema.providerEvents).where(eq(schema.providerEvents.eventId, eventId));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ deliveries: 101, outcome: 'applied' });
      const transitions = await database.db.select().from(schema.subscriptionTransitions).where(eq(schema.subscriptionTransitions.subscriptionId, sub.id));
      expect(transitions.map((x) => `${x.fromStatus}→${x.toStatus}`)).toEqual(['incomplete→active']);
      const paid = await database.db.select().from(schema.payments).where(eq(schema.payments.subscriptionId, sub.id));
      expect(paid).toHaveLength(1);
      const calls = ledger.calls.filter((c) => c.id === paid[0]!.id);
      expect(calls).toEqual([expect.objectContaining({ kind: 'payment', created: true })]);
      expect(paid[0]!.ledgerTransactionId).not.toBeNull();
    });
  }

  it('a crash between storing and processing loses nothing: the job retries, and the sweep picks up a row without a job', async () => {
    const database = db().database;
    const student = await insertStudent(database);
    const ref = `sub_crash_${backend}`;
    await database.db.insert(schema.subscriptions).values({ studentId: student, planId: 'plus', currency: 'USD', status: 'incomplete', provider: 'stripe', providerSubscriptionId: ref, createdAt: clock.now(), updatedAt: clock.now() });
    const at = T0 + 300;
    clock.set(new Date((at + 1) * 1000));
    // Processing fails inside its transaction (the ledger is down): nothing of it stays, the job is retried.
    ledger.control.failNext = 1;
    const body = lifecycleEvent(`evt_crash_${backend}`, at, 'invoice.paid', { sub: ref, student, plan: 'plus', invoice: `in_crash_${backend}` });
    expect((await post('/webhooks/stripe', body, { 'stripe-signature': signStripePayload(body, STRIPE_SECRET, at) })).status).toBe(200);
    await t.app.jobs.drain();
    const [failed] = await database.db.select().from(schema.providerEvents).where(eq(schema.providerEvents.eventId, `evt_crash_${backend}`));
    expect(failed).toMatchObject({ processedAt: null, lastError: 'ledger unavailable (test)' });
    expect((await subscriptionByRef(database, ref))!.status).toBe('incomplete');
    clock.advance(5_000);
    await t.app.jobs.drain();
    expect((await subscriptionByRef(database, ref))!.status).toBe('active');
    expect(await database.db.select().from(schema.payments).where(eq(schema.payments.providerPaymentId, `in_crash_${backend}`))).toHaveLength(1);

    // A stored row whose job is gone (say, failed for good): the sweep processes it once it is a minute old.
    const ref2 = `sub_lost_${backend}`;
    await database.db.insert(schema.subscriptions).values({ studentId: student, planId: 'plus', currency: 'INR', status: 'incomplete', provider: 'stripe', providerSubscriptionId: ref2, createdAt: clock.now(), updatedAt: clock.now() });
    const body2 = lifecycleEvent(`evt_lost_${backend}`, at, 'invoice.paid', { sub: ref2, student, plan: 'plus', invoice: `in_lost_${backend}` });
    await database.db.insert(schema.providerEvents).values({ provider: 'stripe', eventId: `evt_lost_${backend}`, type: 'invoice.paid', createdAt: new Date(at * 1000), payload: JSON.parse(body2), rawBody: Buffer.from(body2), receivedAt: clock.now() });
    expect(await t.app.payments.webhooks.sweep()).toBe(0);
    clock.advance(61_000);
    expect(await t.app.payments.webhooks.sweep()).toBe(1);
    expect((await subscriptionByRef(database, ref2))!.status).toBe('active');
  });

  it('a forbidden transition is refused, changes nothing, and is logged with its fields', async () => {
    const database = db().database;
    const student = await insertStudent(database);
    const ref = `sub_refused_${backend}`;
    await database.db.insert(schema.subscriptions).values({ studentId: student, planId: 'plus', currency: 'USD', status: 'canceled', provider: 'stripe', providerSubscriptionId: ref, lastEventAt: new Date((T0 + 400) * 1000), createdAt: clock.now(), updatedAt: clock.now() });
    const before = (await subscriptionByRef(database, ref))!;
    const at = T0 + 500;
    clock.set(new Date((at + 1) * 1000));
    const eventId = `evt_refused_${backend}`;
    const body = lifecycleEvent(eventId, at, 'invoice.payment_failed', { sub: ref, student, plan: 'plus', invoice: `in_refused_${backend}` });
    expect((await post('/webhooks/stripe', body, { 'stripe-signature': signStripePayload(body, STRIPE_SECRET, at) })).status).toBe(200);
    await t.app.jobs.drain();
    expect(await subscriptionByRef(database, ref)).toEqual(before);
    expect(await database.db.select().from(schema.subscriptionTransitions).where(eq(schema.subscriptionTransitions.subscriptionId, before.id))).toEqual([]);
    const line = t.logs().split('\n').find((l) => l.includes('"subscription_transition_refused"') && l.includes(eventId))!;
    expect(JSON.parse(line)).toMatchObject({ event: 'subscription_transition_refused', subscriptionId: before.id, from: 'canceled', on: 'payment_failed', providerEventId: eventId });
  });

  it('a handful of orders of a lifecycle over HTTP end in the same state', async () => {
    const database = db().database;
    const orders = [
      [0, 1, 2, 3, 4],
      [4, 3, 2, 1, 0],
      [2, 4, 0, 3, 1],
      [3, 0, 4, 1, 2],
    ];
    for (const [k, order] of orders.entries()) {
      const student = await insertStudent(database);
      const ref = `sub_http_${backend}_${k}`;
      const events = lifecycle(ref, student, `${backend}_${k}`, T0 + 1000);
      for (const i of order) {
        const e = events[i]!;
        clock.set(new Date((e.at + 1) * 1000));
        const res = await post('/webhooks/stripe', e.body, { 'stripe-signature': signStripePayload(e.body, STRIPE_SECRET, e.at) });
        expect(res.status).toBe(200);
        await t.app.jobs.drain();
      }
      const sub = (await subscriptionByRef(database, ref))!;
      expect(sub.status, order.join(',')).toBe('active');
      expect(await database.db.select().from(schema.payments).where(eq(schema.payments.subscriptionId, sub.id))).toHaveLength(2);
    }
  });

  it('all 120 orders of five lifecycle events give the same final state (through the service)', async () => {
    if (backend !== 'pglite') return; // the same code path; PostgreSQL runs the HTTP handful above
    const database = db().database;
    const verifier = stripeVerifier(STRIPE_SECRET, 'stripe');
    const student = await insertStudent(database);
    const finals = new Map<string, number>();
    let k = 0;
    for (const order of permutations([0, 1, 2, 3, 4])) {
      const ref = `sub_perm_${k}`;
      const events = lifecycle(ref, student, `perm_${k++}`, T0 + 5000);
      for (const i of order) {
        const e = events[i]!;
        clock.set(new Date((e.at + 1) * 1000));
        await t.app.payments.webhooks.receive(verifier, Buffer.from(e.body), { 'stripe-signature': signStripePayload(e.body, STRIPE_SECRET, e.at) });
        await t.app.payments.webhooks.processEvent('stripe', e.id);
      }
      const sub = (await subscriptionByRef(database, ref))!;
      const paid = await database.db.select().from(schema.payments).where(eq(schema.payments.subscriptionId, sub.id));
      const key = `${sub.status}|${sub.lastEventAt!.toISOString()}|${sub.pastDueSince}|payments=${paid.length}`;
      finals.set(key, (finals.get(key) ?? 0) + 1);
    }
    expect(k).toBe(120);
    expect([...finals.entries()]).toEqual([[`active|${new Date((T0 + 5005) * 1000).toISOString()}|null|payments=2`, 120]]);
    // 600 deliveries, each received and processed in its own transaction: 68 s on a loaded 2-core machine (stop 27).
  }, 240_000);

  it('a Razorpay subscription halted before the charge that activated it is delivered ends past_due either way', async () => {
    const database = db().database;
    const student = await insertStudent(database);
    const verifier = t.app.payments.webhooks;
    const finals: string[] = [];
    for (const [k, order] of [['charged-first', ['charged', 'halted']], ['halted-first', ['halted', 'charged']]] as const) {
      const ref = `sub_order_${k.replace('-', '_')}_${backend}`;
      await database.db.insert(schema.subscriptions).values({ studentId: student, planId: 'plus', currency: 'INR', status: 'incomplete', provider: 'razorpay', providerSubscriptionId: ref, createdAt: clock.now(), updatedAt: clock.now() });
      const fixtures = Object.fromEntries(razorpaySignatures().files.map((r) => [r.file, r]));
      const bodies = {
        charged: razorpayBody(fixtures['events/subscription.charged.json']!).toString('utf8'),
        halted: razorpayBody(fixtures['events/subscription.halted.json']!).toString('utf8'),
      };
      for (const which of order) {
        // The fixture, for another subscription and with its own payment id: signed as Razorpay signs.
        const body = bodies[which].replaceAll('sub_Qh7TutPlusM001', ref).replaceAll('pay_Qh7TutSubC0002', `pay_${ref}`);
        const eventId = `evt_${which}_${ref}`;
        const signature = createHmac('sha256', RAZORPAY_SECRET).update(body).digest('hex');
        await verifier.receive(razorpayVerifier(RAZORPAY_SECRET), Buffer.from(body), { 'x-razorpay-signature': signature, 'x-razorpay-event-id': eventId });
        await verifier.processEvent('razorpay', eventId);
      }
      finals.push(`${k}: ${(await subscriptionByRef(database, ref))!.status}`);
    }
    expect(finals).toEqual(['charged-first: past_due', 'halted-first: past_due']);
    expect(t.logs()).toContain('"event":"provider_event_replayed"');
  });

  /** created(trialing) → invoice.paid → updated(active) → invoice.payment_failed → the same invoice paid on retry. */
  function lifecycle(ref: string, student: string, tag: string, base: number) {
    const o = { sub: ref, student, plan: 'plus' };
    const spec: [string, Record<string, string>][] = [
      ['customer.subscription.created', { status: 'trialing' }],
      ['invoice.paid', { invoice: `in_${tag}_1` }],
      ['customer.subscription.updated', { status: 'active' }],
      ['invoice.payment_failed', { invoice: `in_${tag}_2` }],
      ['invoice.paid', { invoice: `in_${tag}_2` }],
    ];
    return spec.map(([type, extra], i) => {
      const id = `evt_${tag}_${i}`;
      const at = base + i + 1;
      return { id, at, body: lifecycleEvent(id, at, type, { ...o, ...extra }) };
    });
  }
});

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}
