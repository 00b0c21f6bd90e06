import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { schema } from '../../../test/schema';
import { type BillingTestApp, settableClock, startBillingApp } from '../billing/payments/providers.testkit';
import { classBody, classTutor, learners, plus } from './classes.test-support';

/** Paid classes through billing (issue #15): a held seat, the fake provider's checkout, the ledger, refunds. */
describeEachBackend('classes: paying for a seat', ({ db }) => {
  let t: BillingTestApp;
  const clock = settableClock(new Date('2026-12-07T09:00:00.000Z'));
  let tutor: Awaited<ReturnType<typeof classTutor>>;
  let keys = 0;
  /** Fresh learners for each test, so "their payment" is the one this test made. */
  const fresh = (n: number) => learners(t as unknown as Parameters<typeof learners>[0], n);

  beforeAll(async () => {
    t = await startBillingApp(db().database, { clock, payments: { provider: 'fake', stripe: null, razorpay: null } });
    tutor = await classTutor(t as unknown as Parameters<typeof classTutor>[0]);
  });
  afterAll(async () => {
    await t?.close();
  });

  const newClass = async (over: Record<string, unknown>) => (await tutor.client.post('/api/classes', classBody({ priceMinor: 50_000, ...over }))).json.classes[0] as { id: string; start: string; end: string };
  const checkout = (c: Client, classEnrolmentId: string) => c.post('/api/billing/checkout', { classEnrolmentId, idempotencyKey: `class-pay-${++keys}` });
  const pay = async (checkoutId: string, outcome: 'succeed' | 'fail' = 'succeed') => {
    const res = await new Client(t.baseUrl).request('POST', `/dev/fake-pay/${checkoutId}/${outcome}`, undefined, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(200);
    await t.app.jobs.drain();
  };
  const seat = async (id: string) => (await db().database.db.select().from(schema.classEnrolments).where(eq(schema.classEnrolments.id, id)))[0]!;
  const paymentOf = async (studentId: string) => (await db().database.db.select().from(schema.payments).where(eq(schema.payments.studentId, studentId))).at(-1)!;
  const balance = async (code: string) =>
    (
      await db()
        .database.db.select({ n: sql<number>`coalesce(sum(${schema.ledgerEntries.amountMinor}), 0)::int` })
        .from(schema.ledgerEntries)
        .innerJoin(schema.ledgerAccounts, eq(schema.ledgerAccounts.id, schema.ledgerEntries.accountId))
        .where(and(eq(schema.ledgerAccounts.code, code), eq(schema.ledgerEntries.currency, 'INR')))
    )[0]!.n;

  it('a paid seat is held while paying (it counts against capacity), confirmed by the payment, and earned by the tutor less commission when taught', async () => {
    const c = await newClass({ capacity: 2, date: '2026-12-10' });
    const [a, b, cc] = await fresh(3);
    const held = await a!.client.post(`/api/classes/${c.id}/enrol`);
    expect(held.json).toMatchObject({ status: 'held', heldUntil: plus(clock.now(), 10).toISOString() });
    expect((await b!.client.post(`/api/classes/${c.id}/enrol`)).json.status).toBe('held');
    expect((await cc!.client.post(`/api/classes/${c.id}/enrol`)).json.error.code).toBe('class_full');
    // A held seat does not open the room.
    expect(await t.app.fastify.classes.access(c.id, a!.id, new Date(c.start))).toEqual({ ok: false, reason: 'not_enrolled' });

    const made = await checkout(a!.client, held.json.id);
    expect(made.status, made.text).toBe(201);
    expect(made.json).toMatchObject({ purpose: 'class', classEnrolmentId: held.json.id, amountMinor: 50_000, currency: 'INR', status: 'open' });
    expect((await checkout(b!.client, held.json.id)).status).toBe(404);
    await pay(made.json.id);
    expect(await seat(held.json.id)).toMatchObject({ status: 'enrolled', confirmedAt: clock.now() });
    expect((await a!.client.get(`/api/classes/${c.id}`)).json.mine).toBe('enrolled');
    expect(await paymentOf(a!.id)).toMatchObject({ amountMinor: 50_000, status: 'succeeded' });
    const prepaid = await balance('lesson_prepayments');

    // B never pays: the hold lapses and the seat goes back; C takes it.
    clock.advance(11 * 60_000);
    await t.app.fastify.classes.sweep();
    expect((await a!.client.get(`/api/classes/${c.id}`)).json.enrolled).toBe(1);
    expect((await cc!.client.post(`/api/classes/${c.id}/enrol`)).json.status).toBe('held');

    // Taught: at the end, A's price moves from prepayments to the tutor, less the 20% commission.
    await t.app.fastify.classes.recordAttendance({ classId: c.id, userId: tutor.id, kind: 'join', at: new Date(c.start) });
    const payableBefore = await balance(`tutor_payable:${tutor.id}`);
    clock.set(plus(new Date(c.end), 1));
    expect(await t.app.fastify.classes.sweep()).toEqual({ settled: 1 });
    expect((await balance(`tutor_payable:${tutor.id}`)) - payableBefore).toBe(-40_000);
    expect((await balance('lesson_prepayments')) - prepaid).toBe(50_000);
    expect(t.logs()).toContain('"event":"lesson_earning_recognised"');
  });

  it('a payment that lands after its hold lapsed and the class filled is refunded in full', async () => {
    clock.set(new Date('2026-12-07T09:00:00.000Z'));
    const c = await newClass({ capacity: 1, date: '2026-12-11' });
    const [a, b] = await fresh(2);
    const held = await a!.client.post(`/api/classes/${c.id}/enrol`);
    const made = await checkout(a!.client, held.json.id);
    clock.advance(11 * 60_000);
    await t.app.fastify.classes.sweep();
    const other = await b!.client.post(`/api/classes/${c.id}/enrol`);
    await pay((await checkout(b!.client, other.json.id)).json.id);
    await pay(made.json.id);
    expect(await seat(held.json.id)).toMatchObject({ status: 'expired' });
    const payment = await paymentOf(a!.id);
    expect(payment).toMatchObject({ amountMinor: 50_000, refundedMinor: 50_000 });
    expect(t.logs()).toContain('"event":"class_seat_payment_unconfirmed"');
  });

  it("the tutor's cancellation refunds every paid learner; leaving in time refunds, leaving late does not", async () => {
    clock.set(new Date('2026-12-07T09:00:00.000Z'));
    const [a, b, c3, d] = await fresh(4);
    const enrolAndPay = async (p: { client: Client }, classId: string) => {
      const held = await p.client.post(`/api/classes/${classId}/enrol`);
      await pay((await checkout(p.client, held.json.id)).json.id);
      return held.json.id as string;
    };
    const cancelled = await newClass({ date: '2026-12-12' });
    await enrolAndPay(a!, cancelled.id);
    await enrolAndPay(b!, cancelled.id);
    expect((await tutor.client.post(`/api/classes/${cancelled.id}/cancel`)).status).toBe(200);
    await t.app.jobs.drain();
    expect(await paymentOf(a!.id)).toMatchObject({ refundedMinor: 50_000 });
    expect(await paymentOf(b!.id)).toMatchObject({ refundedMinor: 50_000 });

    const later = await newClass({ date: '2026-12-12', time: '20:00' });
    await enrolAndPay(c3!, later.id);
    await enrolAndPay(d!, later.id);
    expect((await c3!.client.post(`/api/classes/${later.id}/leave`)).json.status).toBe('left');
    await t.app.jobs.drain();
    expect(await paymentOf(c3!.id)).toMatchObject({ refundedMinor: 50_000 });
    clock.set(plus(new Date(later.start), -60));
    expect((await d!.client.post(`/api/classes/${later.id}/leave`)).json.status).toBe('left');
    await t.app.jobs.drain();
    expect(await paymentOf(d!.id)).toMatchObject({ refundedMinor: 0 });
  });

  it('a tutor who never comes: the sweep refunds every paid seat in full', async () => {
    clock.set(new Date('2026-12-07T09:00:00.000Z'));
    const c = await newClass({ date: '2026-12-13' });
    const [a] = await fresh(1);
    const held = await a!.client.post(`/api/classes/${c.id}/enrol`);
    await pay((await checkout(a!.client, held.json.id)).json.id);
    clock.set(plus(new Date(c.end), 1));
    await t.app.fastify.classes.sweep();
    await t.app.jobs.drain();
    expect((await db().database.db.select().from(schema.classes).where(eq(schema.classes.id, c.id)))[0]!.status).toBe('tutor_no_show');
    expect(await paymentOf(a!.id)).toMatchObject({ amountMinor: 50_000, refundedMinor: 50_000 });
  });
});
