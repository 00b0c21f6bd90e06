import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminClient, Client, signUpStudent, signUpTutor } from '../../../../test/app';
import { describeEachBackend } from '../../../../test/db';
import { schema } from '../../../../test/schema';
import { type BillingTestApp, ensurePlan, settableClock, startBillingApp } from './providers.testkit';

/** Checkout with the fake provider (its page, its signed Stripe-shaped webhooks), refunds and reconciliation, on D1's real ledger. */
describeEachBackend('billing: checkout, the fake provider, refunds and reconciliation', ({ db }) => {
  let t: BillingTestApp;
  const clock = settableClock(new Date('2026-11-30T10:00:07.000Z'));
  let keys = 0;
  const key = () => `checkout-key-${++keys}-${Date.now()}`;

  beforeAll(async () => {
    t = await startBillingApp(db().database, { clock, payments: { provider: 'fake', stripe: null, razorpay: null } });
    await ensurePlan(db().database, 'plus');
    await ensurePlan(db().database, 'pack10', 'credit_pack', { INR: 49900, USD: 900 });
  });
  afterAll(async () => {
    await t?.close();
  });

  const newStudent = async () => {
    const client = new Client(t.baseUrl);
    const { user } = await signUpStudent(client);
    return { client, id: user.id };
  };
  const subscriptionOf = async (studentId: string) => (await db().database.db.select().from(schema.subscriptions).where(eq(schema.subscriptions.studentId, studentId)))[0];
  const paymentsOf = (studentId: string) => db().database.db.select().from(schema.payments).where(eq(schema.payments.studentId, studentId));
  const ledgerFor = async (kind: string, id: string) => (await db().database.db.select().from(schema.ledgerTransactions).where(eq(schema.ledgerTransactions.idempotencyKey, `${kind}:${id}`))).length;
  const pay = async (s: { client: Client }, checkoutId: string, outcome: 'succeed' | 'fail') => {
    const res = await s.client.request('POST', `/dev/fake-pay/${checkoutId}/${outcome}`, undefined, { 'content-type': 'application/x-www-form-urlencoded' });
    await t.app.jobs.drain();
    return res;
  };

  it('buys a subscription on the fake checkout page: the same webhook pipeline, one payment, one ledger posting', async () => {
    const s = await newStudent();
    const idempotencyKey = key();
    const res = await s.client.post('/api/billing/checkout', { planId: 'plus', currency: 'USD', idempotencyKey });
    expect(res.status, res.text).toBe(201);
    expect(res.json).toMatchObject({ purpose: 'subscription', planId: 'plus', provider: 'fake', amountMinor: 2900, currency: 'USD', status: 'open' });
    const checkoutId = res.json.id as string;
    expect(res.json.url).toMatch(new RegExp(`/dev/fake-pay/${checkoutId}$`));
    const again = await s.client.post('/api/billing/checkout', { planId: 'plus', currency: 'USD', idempotencyKey });
    expect(again.status).toBe(200);
    expect(again.json.id).toBe(checkoutId);

    const page = await s.client.get(`/dev/fake-pay/${checkoutId}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.text).toContain('Pay successfully');
    expect(page.text).toContain('Make the payment fail');
    expect(page.text).toContain('USD 29.00');

    const paid = await pay(s, checkoutId, 'succeed');
    expect(paid.status).toBe(200);
    expect(paid.text).toContain('Payment successful');
    expect(t.app.payments.fake!.sent.slice(-3).map((x) => [x.type, x.status])).toEqual([
      ['customer.subscription.created', 200],
      ['invoice.paid', 200],
      ['checkout.session.completed', 200],
    ]);
    expect((await s.client.get(`/api/billing/checkouts/${checkoutId}`)).json.status).toBe('paid');
    const sub = (await subscriptionOf(s.id))!;
    expect(sub).toMatchObject({ status: 'active', planId: 'plus', provider: 'fake', currency: 'USD' });
    const payments = await paymentsOf(s.id);
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ amountMinor: 2900, currency: 'USD', subscriptionId: sub.id, checkoutId });
    expect(await ledgerFor('payment', payments[0]!.id)).toBe(1);
    const events = await db().database.db.select().from(schema.providerEvents).where(eq(schema.providerEvents.provider, 'fake'));
    expect(events.every((e) => e.processedAt)).toBe(true);

    expect((await pay(s, checkoutId, 'succeed')).text).toContain('already paid');
    expect(await paymentsOf(s.id)).toHaveLength(1);
    // A live subscription is not bought twice.
    expect((await s.client.post('/api/billing/checkout', { planId: 'plus', currency: 'USD', idempotencyKey: key() })).status).toBe(409);
  });

  it('a failed payment leaves the checkout failed and nothing paid; bad input changes nothing', async () => {
    const s = await newStudent();
    const res = await s.client.post('/api/billing/checkout', { planId: 'plus', currency: 'INR', idempotencyKey: key() });
    expect(res.status).toBe(201);
    const failed = await pay(s, res.json.id, 'fail');
    expect(failed.text).toContain('The payment failed');
    expect((await s.client.get(`/api/billing/checkouts/${res.json.id}`)).json.status).toBe('failed');
    expect((await subscriptionOf(s.id))!.status).toBe('incomplete');
    expect(await paymentsOf(s.id)).toHaveLength(0);

    expect((await s.client.post('/api/billing/checkout', { planId: 'nope', currency: 'INR', idempotencyKey: key() })).status).toBe(404);
    expect((await s.client.post('/api/billing/checkout', { planId: 'plus', currency: 'inr', idempotencyKey: key() })).status).toBe(400);
    expect((await s.client.post('/api/billing/checkout', { planId: 'plus', currency: 'INR', idempotencyKey: key(), provider: 'stripe' })).status).toBe(400);
    expect((await new Client(t.baseUrl).post('/api/billing/checkout', { planId: 'plus', currency: 'INR', idempotencyKey: key() })).status).toBe(401);
  });

  it('a credit pack grants its credits; an admin refund settles at once with the fake and is posted as a reversal', async () => {
    const s = await newStudent();
    const res = await s.client.post('/api/billing/checkout', { planId: 'pack10', currency: 'INR', idempotencyKey: key() });
    await pay(s, res.json.id, 'succeed');
    const [payment] = await paymentsOf(s.id);
    expect(payment).toMatchObject({ amountMinor: 49900, currency: 'INR', subscriptionId: null });
    const [posted] = await db().database.db.select().from(schema.ledgerTransactions).where(eq(schema.ledgerTransactions.idempotencyKey, `payment:${payment!.id}`));
    expect(posted!.data).toMatchObject({ purpose: 'credit_pack', credits: 10 });

    const { client: admin } = await adminClient(t as never);
    const refundKey = key();
    const partial = await admin.post(`/api/admin/payments/${payment!.id}/refund`, { amountMinor: 10000, reason: 'two questions unanswered', idempotencyKey: refundKey });
    expect(partial.status, partial.text).toBe(201);
    expect(partial.json).toMatchObject({ status: 'succeeded', amountMinor: 10000, currency: 'INR' });
    const repeat = await admin.post(`/api/admin/payments/${payment!.id}/refund`, { amountMinor: 10000, reason: 'two questions unanswered', idempotencyKey: refundKey });
    expect(repeat.status).toBe(200);
    expect(repeat.json.id).toBe(partial.json.id);
    expect(await ledgerFor('refund', partial.json.id)).toBe(1);
    // The staff refund is audited once, with the request (the idempotent repeat adds nothing).
    const audit = await admin.get(`/api/admin/audit?action=payment.refund&objectId=${payment!.id}`);
    expect(audit.json.entries).toEqual([
      expect.objectContaining({ objectType: 'payment', actorRole: 'admin', reason: 'two questions unanswered', before: { refundedMinor: 0, pendingRefundMinor: 0 }, after: expect.objectContaining({ refundId: partial.json.id, amountMinor: 10000, status: 'requested' }) }),
    ]);
    const tooMuch = await admin.post(`/api/admin/payments/${payment!.id}/refund`, { amountMinor: 40000, reason: 'too much', idempotencyKey: key() });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.json.error.message).toMatch(/At most 39900/);
    expect((await s.client.post(`/api/admin/payments/${payment!.id}/refund`, { reason: 'mine', idempotencyKey: key() })).status).toBe(403);
    const [after] = await paymentsOf(s.id);
    expect(after).toMatchObject({ refundedMinor: 10000, status: 'partially_refunded' });
  });

  it('a full refund of a subscription payment moves it to refunded; a new checkout reactivates the same subscription', async () => {
    const s = await newStudent();
    const first = await s.client.post('/api/billing/checkout', { planId: 'plus', currency: 'USD', idempotencyKey: key() });
    await pay(s, first.json.id, 'succeed');
    const sub = (await subscriptionOf(s.id))!;
    const [payment] = await paymentsOf(s.id);
    const { client: admin } = await adminClient(t as never);
    const refund = await admin.post(`/api/admin/payments/${payment!.id}/refund`, { reason: 'charged by mistake', idempotencyKey: key() });
    expect(refund.json).toMatchObject({ status: 'succeeded', amountMinor: 2900 });
    expect((await subscriptionOf(s.id))!.status).toBe('refunded');

    clock.advance(60_000);
    const back = await s.client.post('/api/billing/checkout', { planId: 'plus', currency: 'USD', idempotencyKey: key() });
    expect(back.status).toBe(201);
    await pay(s, back.json.id, 'succeed');
    const subs = await db().database.db.select().from(schema.subscriptions).where(eq(schema.subscriptions.studentId, s.id));
    expect(subs).toHaveLength(1);
    expect(subs[0]).toMatchObject({ id: sub.id, status: 'active' });
    const history = await db().database.db.select().from(schema.subscriptionTransitions).where(eq(schema.subscriptionTransitions.subscriptionId, sub.id)).orderBy(schema.subscriptionTransitions.id);
    // The fake sends three events per purchase (subscription snapshot, paid invoice, completed checkout), processed in
    // any order: the steps between vary, these do not.
    const steps = history.map((h) => `${h.fromStatus ?? '-'}→${h.toStatus}:${h.event}`);
    expect(steps[0]).toBe('-→incomplete:created');
    const kept = steps.filter((x) => !x.startsWith('active→active')).map((x) => (x.startsWith('incomplete→active') ? 'incomplete→active' : x));
    expect(kept).toEqual(['-→incomplete:created', 'incomplete→active', 'active→refunded:refunded', 'refunded→active:reactivated']);
  });

  it('renewal failure is past_due, recovery is active again; grace over is lapsed (the fake emits the events)', async () => {
    const s = await newStudent();
    const res = await s.client.post('/api/billing/checkout', { planId: 'plus', currency: 'USD', idempotencyKey: key() });
    await pay(s, res.json.id, 'succeed');
    const ref = (await subscriptionOf(s.id))!.providerSubscriptionId!;
    clock.advance(30 * 86_400_000);
    await t.app.payments.fake!.renew(ref, 'fail');
    await t.app.jobs.drain();
    expect((await subscriptionOf(s.id))!).toMatchObject({ status: 'past_due', pastDueSince: clock.now() });
    clock.advance(86_400_000);
    await t.app.payments.fake!.renew(ref, 'succeed');
    await t.app.jobs.drain();
    expect((await subscriptionOf(s.id))!).toMatchObject({ status: 'active', pastDueSince: null });
    expect(await paymentsOf(s.id)).toHaveLength(2);

    // Failing again, and the plan's 3 grace days pass: the periodic job lapses it; paying late brings it back.
    clock.advance(30 * 86_400_000);
    await t.app.payments.fake!.renew(ref, 'fail');
    await t.app.jobs.drain();
    clock.advance(2 * 86_400_000);
    await t.app.payments.reconciler.run();
    expect((await subscriptionOf(s.id))!.status).toBe('past_due');
    clock.advance(86_400_000 + 1000);
    const { fixes } = await t.app.payments.reconciler.run();
    expect(fixes).toContain(`subscription ${(await subscriptionOf(s.id))!.id}: past_due → lapsed (grace_expired)`);
    expect((await subscriptionOf(s.id))!.status).toBe('lapsed');
    await t.app.payments.fake!.renew(ref, 'succeed');
    await t.app.jobs.drain();
    expect((await subscriptionOf(s.id))!.status).toBe('active');
  });

  it("pays a held booking: the payment confirms it (scheduling's confirmHeld); a failed payment releases the hold", async () => {
    const database = db().database;
    const s = await newStudent();
    const tutor = new Client(t.baseUrl);
    const { user } = await signUpTutor(tutor);
    const hold = async (startHours: number) => {
      const startsAt = new Date(clock.now().getTime() + startHours * 3_600_000);
      const [b] = await database.db
        .insert(schema.bookings)
        .values({ tutorId: user.id, studentId: s.id, startsAt, endsAt: new Date(startsAt.getTime() + 3_600_000), status: 'held', heldUntil: new Date(clock.now().getTime() + 15 * 60_000), idempotencyKey: key(), priceMinor: 80000, currency: 'INR', createdAt: clock.now() })
        .returning();
      return b!;
    };
    const booking = await hold(48);
    const res = await s.client.post('/api/billing/checkout', { bookingId: booking.id, idempotencyKey: key() });
    expect(res.status, res.text).toBe(201);
    expect(res.json).toMatchObject({ purpose: 'booking', bookingId: booking.id, amountMinor: 80000, currency: 'INR' });
    await pay(s, res.json.id, 'succeed');
    await t.app.jobs.drain();
    const [confirmed] = await database.db.select().from(schema.bookings).where(eq(schema.bookings.id, booking.id));
    expect(confirmed!.status).toBe('confirmed');
    const [payment] = await paymentsOf(s.id);
    expect(payment).toMatchObject({ amountMinor: 80000, checkoutId: res.json.id });
    expect(await ledgerFor('payment', payment!.id)).toBe(1);
    // Someone else's booking, or one already paid, cannot be checked out. Someone else's reads like a missing one
    // (issue #12.13, decision 020: this was a 403 "That booking is not yours", which told a stranger the id was real).
    expect((await (await newStudent()).client.post('/api/billing/checkout', { bookingId: booking.id, idempotencyKey: key() })).status).toBe(404);
    expect((await s.client.post('/api/billing/checkout', { bookingId: booking.id, idempotencyKey: key() })).status).toBe(409);

    const other = await hold(72);
    const res2 = await s.client.post('/api/billing/checkout', { bookingId: other.id, idempotencyKey: key() });
    await pay(s, res2.json.id, 'fail');
    await t.app.jobs.drain();
    const [released] = await database.db.select().from(schema.bookings).where(eq(schema.bookings.id, other.id));
    expect(released).toMatchObject({ status: 'cancelled', outcome: 'hold_expired' });
  });

  it('reconciliation makes good dropped webhooks from the provider state, forward only, and logs each fix', async () => {
    const s = await newStudent();
    const res = await s.client.post('/api/billing/checkout', { planId: 'plus', currency: 'USD', idempotencyKey: key() });
    t.app.payments.fake!.dropNextDeliveries(3);
    await pay(s, res.json.id, 'succeed');
    expect(t.app.payments.fake!.sent.slice(-3).every((x) => x.status === 'dropped')).toBe(true);
    expect(await subscriptionOf(s.id)).toBeUndefined();
    expect((await s.client.get(`/api/billing/checkouts/${res.json.id}`)).json.status).toBe('open');

    clock.advance(5 * 60_000);
    const { fixes } = await t.app.payments.reconciler.run();
    expect(fixes.some((f) => f.includes(`checkout ${res.json.id}: paid`))).toBe(true);
    const sub = (await subscriptionOf(s.id))!;
    expect(sub.status).toBe('active');
    const payments = await paymentsOf(s.id);
    expect(payments).toHaveLength(1);
    expect(await ledgerFor('payment', payments[0]!.id)).toBe(1);
    expect((await s.client.get(`/api/billing/checkouts/${res.json.id}`)).json.status).toBe('paid');
    expect(t.logs()).toContain('"event":"billing_reconcile_fix"');

    // Nothing left to fix: a second run changes nothing.
    const again = await t.app.payments.reconciler.run();
    expect(again.fixes.filter((f) => f.includes(sub.id) || f.includes(res.json.id))).toEqual([]);
  });
});
