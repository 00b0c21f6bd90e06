import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminClient, Client, signUpStudent, signUpTutor } from '../../../../test/app';
import { describeEachBackend } from '../../../../test/db';
import { waitUntil } from '../../../../test/help';
import { SocketPool, type TestSocket } from '../../../../test/sockets';
import { schema } from '../../../../test/schema';
import { NO_SHOW_AFTER_MINUTES } from '../../scheduling/scheduling.lessons.rules';
import { LESSON_REFUND_QUEUE, lessonRefundKey } from './bookings.service';
import { createLedgerRepo } from '../ledger/ledger.repo';
import { type BillingTestApp, kolkataEvenings, settableClock, startBillingApp } from '../payments/providers.testkit';

const PRICE = 80_000;
/** 20% commission: the tutor is owed 80% of a lesson's price once the lesson is earned (issue #7), not when it is paid. */
const TUTOR_SHARE = 64_000;
const COMMISSION = PRICE - TUTOR_SHARE;
const MINUTE = 60_000;

type AnySocket = { timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<{ ok: boolean }> } };

/** A paid lesson's money follows its outcome (issues #6, #7): free and tutor cancellations and tutor no-shows are refunded once. */
describeEachBackend('billing: a paid lesson’s money follows its outcome', ({ db }) => {
  let t: BillingTestApp;
  const clock = settableClock(new Date('2026-11-30T00:00:00.000Z'));
  const sockets = new SocketPool();
  let keys = 0;
  const key = () => `lesson-money-${++keys}-${Date.now()}`;

  beforeAll(async () => {
    t = await startBillingApp(db().database, {
      clock,
      payments: { provider: 'fake', stripe: null, razorpay: null },
      overrides: { billing: { commissionBps: 2000, payoutHoldDays: 7, payoutMinMinor: { INR: 50_000 }, enforceEntitlements: false } },
    });
  });
  afterAll(async () => {
    sockets.closeAll();
    await t?.close();
  });

  const newTutor = async () => {
    const client = new Client(t.baseUrl);
    const id = (await signUpTutor(client, { timeZone: 'Asia/Kolkata' })).user.id;
    expect((await client.put('/api/tutors/me/availability', kolkataEvenings)).status).toBe(200);
    await db().database.db.update(schema.tutorProfiles).set({ hourlyRateMinor: PRICE, currency: 'INR' }).where(eq(schema.tutorProfiles.userId, id));
    return { client, id };
  };
  const newStudent = async () => {
    const client = new Client(t.baseUrl);
    const { user } = await signUpStudent(client, { timeZone: 'America/New_York' });
    return { client, id: user.id };
  };
  const pay = async (s: { client: Client }, bookingId: string) => {
    const c = await s.client.post('/api/billing/checkout', { bookingId, idempotencyKey: key() });
    expect(c.status, c.text).toBe(201);
    const res = await new Client(t.baseUrl).request('POST', `/dev/fake-pay/${c.json.id}/succeed`, undefined, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(200);
    await t.app.jobs.drain();
    const [payment] = await db().database.db.select().from(schema.payments).where(eq(schema.payments.checkoutId, c.json.id));
    expect(payment).toMatchObject({ amountMinor: c.json.amountMinor, status: 'succeeded' });
    return payment!;
  };
  /** A lesson booked and paid: its price is a prepayment; the tutor is owed nothing until the lesson is earned. */
  const paidLesson = async (start: string) => {
    const tutor = await newTutor();
    const student = await newStudent();
    const booked = await student.client.post('/api/bookings', { tutorId: tutor.id, start, durationMinutes: 60, idempotencyKey: key() });
    expect(booked.status, booked.text).toBe(201);
    const before = await books();
    const payment = await pay(student, booked.json.id);
    expect((await bookingRow(booked.json.id)).status).toBe('confirmed');
    expect(await payable(tutor)).toBe(0);
    expect(await books()).toEqual({ prepaid: before.prepaid + PRICE, revenue: before.revenue });
    return { tutor, student, bookingId: booked.json.id as string, payment, before };
  };
  const ledger = () => createLedgerRepo(db().database.db);
  /** The lesson prepayments (a liability, owed as lessons) and platform revenue, as positive amounts. */
  const books = async () => ({
    prepaid: 0 - (await ledger().balance(ledger().db, 'lesson_prepayments', 'INR')) || 0,
    revenue: 0 - (await ledger().balance(ledger().db, 'platform_revenue', 'INR')) || 0,
  });
  /** Every ledger transaction is balanced and the entries sum to zero per currency. */
  const expectBalanced = async () => {
    const audit = await ledger().audit(ledger().db);
    expect(audit.unbalanced).toBe(0);
    for (const c of audit.totals) expect(c.total, c.currency).toBe(0);
  };
  /** Opens the lesson's room and joins it over a socket (a real join event). */
  const joinLesson = async (who: { client: Client; id: string }, bookingId: string) => {
    const room = await who.client.post(`/api/bookings/${bookingId}/room`);
    expect(room.status, room.text).toBe(200);
    const { socket } = await sockets.connect(t.baseUrl, who.client.cookie);
    const ack = await (socket as TestSocket as unknown as AnySocket).timeout(5_000).emitWithAck('room:join', { sessionId: room.json.sessionId });
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
    const e = schema.callEvents;
    await waitUntil(async () => (await db().database.db.select().from(e).where(and(eq(e.sessionId, room.json.sessionId), eq(e.userId, who.id), eq(e.type, 'joined')))).length > 0, 'the join event');
  };
  const cancel = async (who: { client: Client }, bookingId: string) => {
    const res = await who.client.post(`/api/bookings/${bookingId}/cancel`);
    expect(res.status, res.text).toBe(200);
    await t.app.jobs.drain();
    return res.json as { status: string; outcome: string };
  };
  const bookingRow = async (id: string) => (await db().database.db.select().from(schema.bookings).where(eq(schema.bookings.id, id)))[0]!;
  const paymentRow = async (id: string) => (await db().database.db.select().from(schema.payments).where(eq(schema.payments.id, id)))[0]!;
  const refundsOf = (paymentId: string) => db().database.db.select().from(schema.refunds).where(eq(schema.refunds.paymentId, paymentId));
  const payable = async (tutor: { client: Client }) => {
    const res = await tutor.client.get('/api/billing/tutor/balance');
    expect(res.status).toBe(200);
    // Owed: payable now plus on hold (each amount is in exactly one of them).
    const b = (res.json.balances as { currency: string; payableMinor: number; onHoldMinor: number }[]).find((x) => x.currency === 'INR');
    return b ? b.payableMinor + b.onHoldMinor : 0;
  };
  const cancelNotice = async (who: { client: Client }) => {
    const notices = (await who.client.get('/api/notifications')).json.notices as { kind: string; text: string }[];
    return notices.find((n) => n.kind === 'booking_cancelled')?.text;
  };
  const refundJobs = async () => (await db().database.db.select().from(schema.jobs).where(eq(schema.jobs.queue, LESSON_REFUND_QUEUE.queue))).map((j) => LESSON_REFUND_QUEUE.schema.parse(j.payload));

  it('a free cancellation refunds the lesson in full, once: the tutor’s payable goes back to zero and both are told', async () => {
    clock.set(new Date('2026-11-30T00:00:00.000Z'));
    const { tutor, student, bookingId, payment, before } = await paidLesson('2026-12-03T12:30:00.000Z');

    expect(await cancel(student, bookingId)).toMatchObject({ status: 'cancelled', outcome: 'cancelled' });
    const refunds = await refundsOf(payment.id);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ status: 'succeeded', amountMinor: PRICE, requestedBy: null, idempotencyKey: lessonRefundKey(bookingId) });
    expect(await paymentRow(payment.id)).toMatchObject({ refundedMinor: PRICE, status: 'refunded' });
    expect(await payable(tutor)).toBe(0);
    expect(await books()).toEqual(before);
    expect(await cancelNotice(student)).toMatch(/^You cancelled the lesson on .*\. You will get INR 800\.00 back\.$/);
    expect(await cancelNotice(tutor)).toMatch(/ gets INR 800\.00 back\.$/);
    expect(t.logs()).toContain('"event":"lesson_refunded"');

    // Cancelling again changes nothing; the job running again (a retry after a crash) refunds nothing twice.
    expect(await cancel(student, bookingId)).toMatchObject({ status: 'cancelled' });
    const [job] = (await refundJobs()).filter((p) => p.bookingId === bookingId);
    expect(job).toBeDefined();
    await LESSON_REFUND_QUEUE.enqueue(db().database.db, job!, { dedupeKey: `retry-${bookingId}`, now: clock.now() });
    await t.app.jobs.drain();
    expect(await refundsOf(payment.id)).toHaveLength(1);
    expect(await paymentRow(payment.id)).toMatchObject({ refundedMinor: PRICE });
    expect(await payable(tutor)).toBe(0);
    await expectBalanced();
  });

  it('weekly lessons paid in one checkout: cancelling one week refunds that week’s price only', async () => {
    clock.set(new Date('2026-11-30T03:00:00.000Z'));
    const tutor = await newTutor();
    const student = await newStudent();
    const res = await student.client.post('/api/bookings/series', { tutorId: tutor.id, start: '2026-12-08T13:30:00.000Z', durationMinutes: 60, weeks: 3, idempotencyKey: key() });
    expect(res.status, res.text).toBe(200);
    const weeks = (res.json.booked as { id: string }[]).map((w) => w.id);
    expect(weeks).toHaveLength(3);
    const payment = await pay(student, weeks[0]!);
    expect(payment.amountMinor).toBe(3 * PRICE);
    expect(await payable(tutor)).toBe(0);
    expect((await books()).prepaid).toBe(3 * PRICE);

    expect(await cancel(student, weeks[1]!)).toMatchObject({ outcome: 'cancelled' });
    expect((await refundsOf(payment.id)).map((r) => r.amountMinor)).toEqual([PRICE]);
    expect(await paymentRow(payment.id)).toMatchObject({ amountMinor: 3 * PRICE, refundedMinor: PRICE, status: 'partially_refunded' });
    expect(await payable(tutor)).toBe(0);
    expect((await books()).prepaid).toBe(2 * PRICE);
    expect((await bookingRow(weeks[0]!)).status).toBe('confirmed');
    expect((await bookingRow(weeks[2]!)).status).toBe('confirmed');
    await expectBalanced();
  });

  it('a moved lesson keeps its payment: cancelling it in time refunds the original payment', async () => {
    clock.set(new Date('2026-11-30T06:00:00.000Z'));
    const { tutor, student, bookingId, payment, before } = await paidLesson('2026-12-04T12:30:00.000Z');
    const moved = await student.client.post(`/api/bookings/${bookingId}/reschedule`, { start: '2026-12-05T12:30:00.000Z', idempotencyKey: key() });
    expect(moved.status, moved.text).toBe(201);
    await t.app.jobs.drain();
    expect(await refundsOf(payment.id)).toEqual([]);
    expect(await cancel(tutor, moved.json.id)).toMatchObject({ outcome: 'cancelled' });
    expect((await refundsOf(payment.id)).map((r) => r.amountMinor)).toEqual([PRICE]);
    expect(await payable(tutor)).toBe(0);
    expect(await books()).toEqual(before);
  });

  it('a late cancellation by the student refunds nothing: the tutor keeps the earning, and the notice says so', async () => {
    clock.set(new Date('2026-12-01T00:00:00.000Z'));
    const { tutor, student, bookingId, payment, before } = await paidLesson('2026-12-01T12:30:00.000Z');
    expect(await cancel(student, bookingId)).toMatchObject({ status: 'cancelled', outcome: 'late_cancellation' });
    expect(await refundsOf(payment.id)).toEqual([]);
    expect(await refundJobs()).not.toContainEqual(expect.objectContaining({ bookingId }));
    expect(await paymentRow(payment.id)).toMatchObject({ refundedMinor: 0, status: 'succeeded' });
    // The lesson is earned at the cancellation: the price leaves the prepayments, the tutor is owed it less commission.
    expect(await payable(tutor)).toBe(TUTOR_SHARE);
    expect(await books()).toEqual({ prepaid: before.prepaid, revenue: before.revenue + COMMISSION });
    expect(t.logs()).toContain('"event":"lesson_earning_recognised"');
    expect(await cancelNotice(student)).toMatch(/\(a late cancellation\)\. No refund: cancelled less than 24 h before\.$/);
    expect(await cancelNotice(tutor)).toMatch(/No refund: cancelled less than 24 h before\.$/);
  });

  it('a late cancellation by the tutor refunds the student in full', async () => {
    clock.set(new Date('2026-12-01T01:00:00.000Z'));
    const { tutor, student, bookingId, payment } = await paidLesson('2026-12-01T13:30:00.000Z');
    expect(await cancel(tutor, bookingId)).toMatchObject({ status: 'cancelled', outcome: 'late_cancellation' });
    expect((await refundsOf(payment.id)).map((r) => [r.amountMinor, r.status])).toEqual([[PRICE, 'succeeded']]);
    expect(await payable(tutor)).toBe(0);
    expect(await cancelNotice(student)).toMatch(/You will get INR 800\.00 back\.$/);
  });

  it('a tutor no-show, settled by the lessons sweep, refunds the student in full', async () => {
    clock.set(new Date('2026-12-02T10:30:00.000Z'));
    const start = new Date('2026-12-02T12:30:00.000Z');
    const { tutor, student, bookingId, payment, before } = await paidLesson(start.toISOString());
    // The student comes to the room; the tutor never does.
    clock.set(new Date(start.getTime() - 5 * MINUTE));
    await joinLesson(student, bookingId);

    clock.set(new Date(start.getTime() + NO_SHOW_AFTER_MINUTES * MINUTE));
    await t.app.jobs.drain();
    expect(await bookingRow(bookingId)).toMatchObject({ status: 'no_show', outcome: 'tutor_no_show' });
    expect((await refundsOf(payment.id)).map((r) => [r.amountMinor, r.status, r.idempotencyKey])).toEqual([[PRICE, 'succeeded', lessonRefundKey(bookingId)]]);
    expect(await payable(tutor)).toBe(0);
    expect(await books()).toEqual(before);
    // Another sweep changes nothing.
    clock.set(new Date(start.getTime() + 2 * NO_SHOW_AFTER_MINUTES * MINUTE));
    await t.app.jobs.drain();
    expect(await refundsOf(payment.id)).toHaveLength(1);
    expect(await payable(tutor)).toBe(0);
    await expectBalanced();
  });

  it('a lesson completed (settled by the lessons sweep) is earned then: the tutor is owed the price less commission; an admin refund after it takes it back', async () => {
    clock.set(new Date('2026-12-03T08:00:00.000Z'));
    const start = new Date('2026-12-03T14:30:00.000Z');
    const admin = await adminClient(t);
    /** The admin's revenue report for December 2026 (INR). */
    const report = async () => {
      const res = await admin.client.get('/api/admin/billing/revenue?from=2026-12-01&to=2026-12-31');
      expect(res.status, res.text).toBe(200);
      return (res.json.rows as { currency: string; receivedMinor: number; revenueMinor: number; commissionMinor: number; tutorEarningsMinor: number }[]).find((r) => r.currency === 'INR') ?? { receivedMinor: 0, revenueMinor: 0, commissionMinor: 0, tutorEarningsMinor: 0 };
    };
    const reportBefore = await report();
    const { tutor, student, bookingId, payment, before } = await paidLesson(start.toISOString());
    // Money received is not revenue yet: the prepayment is not in the report's revenue, commission or tutor earnings.
    expect(await report()).toMatchObject({ receivedMinor: reportBefore.receivedMinor + PRICE, revenueMinor: reportBefore.revenueMinor, commissionMinor: reportBefore.commissionMinor, tutorEarningsMinor: reportBefore.tutorEarningsMinor });
    // Paid, not yet held: nothing is owed and nothing is revenue (the payout hold cannot start before the lesson).
    const balance = (await tutor.client.get('/api/billing/tutor/balance')).json.balances as unknown[];
    expect(balance).toEqual([]);

    clock.set(new Date(start.getTime() - 5 * MINUTE));
    await joinLesson(student, bookingId);
    await joinLesson(tutor, bookingId);
    clock.set(new Date(start.getTime() + 60 * MINUTE));
    await t.app.jobs.drain();
    expect(await bookingRow(bookingId)).toMatchObject({ status: 'completed', outcome: 'completed' });
    expect(await payable(tutor)).toBe(TUTOR_SHARE);
    expect(await books()).toEqual({ prepaid: before.prepaid, revenue: before.revenue + COMMISSION });
    const statement = await tutor.client.get('/api/billing/tutor/statement?from=2026-12-01&to=2026-12-31');
    expect(statement.status, statement.text).toBe(200);
    expect(statement.json.currencies[0].lines).toEqual([expect.objectContaining({ kind: 'earning', description: 'Booked lesson', amountMinor: TUTOR_SHARE, balanceMinor: TUTOR_SHARE })]);
    // The commission is its own column (revenue is plans and packs: decision 029), so each row reconciles.
    expect(await report()).toMatchObject({ revenueMinor: reportBefore.revenueMinor, commissionMinor: reportBefore.commissionMinor + COMMISSION, tutorEarningsMinor: reportBefore.tutorEarningsMinor + TUTOR_SHARE });
    // Another sweep earns nothing twice.
    clock.set(new Date(start.getTime() + 70 * MINUTE));
    await t.app.jobs.drain();
    expect(await payable(tutor)).toBe(TUTOR_SHARE);

    // An admin refunds a quarter after the lesson, then the rest: the earning is reversed in the same shares, exactly.
    const quarter = await admin.client.post(`/api/admin/payments/${payment.id}/refund`, { amountMinor: PRICE / 4, reason: 'goodwill', idempotencyKey: key() });
    expect(quarter.status, quarter.text).toBe(201);
    await t.app.jobs.drain();
    expect(await payable(tutor)).toBe(TUTOR_SHARE - TUTOR_SHARE / 4);
    expect(await books()).toEqual({ prepaid: before.prepaid, revenue: before.revenue + COMMISSION - COMMISSION / 4 });
    const rest = await admin.client.post(`/api/admin/payments/${payment.id}/refund`, { reason: 'the lesson was poor', idempotencyKey: key() });
    expect(rest.status, rest.text).toBe(201);
    await t.app.jobs.drain();
    expect(await paymentRow(payment.id)).toMatchObject({ refundedMinor: PRICE, status: 'refunded' });
    expect(await payable(tutor)).toBe(0);
    expect(await books()).toEqual(before);
    expect(await report()).toMatchObject({ revenueMinor: reportBefore.revenueMinor, commissionMinor: reportBefore.commissionMinor, tutorEarningsMinor: reportBefore.tutorEarningsMinor });
    expect(t.logs()).toContain('"event":"lesson_earning_reversed_by_refund"');
    await expectBalanced();
  });

  it('a lesson refunded in full before it is held earns nothing when it is later settled', async () => {
    clock.set(new Date('2026-12-04T08:00:00.000Z'));
    const start = new Date('2026-12-04T14:30:00.000Z');
    const { tutor, student, bookingId, payment, before } = await paidLesson(start.toISOString());
    const admin = await adminClient(t);
    const res = await admin.client.post(`/api/admin/payments/${payment.id}/refund`, { reason: 'a mistake', idempotencyKey: key() });
    expect(res.status, res.text).toBe(201);
    await t.app.jobs.drain();
    expect(await books()).toEqual(before);
    clock.set(new Date(start.getTime() - 5 * MINUTE));
    await joinLesson(student, bookingId);
    await joinLesson(tutor, bookingId);
    clock.set(new Date(start.getTime() + 60 * MINUTE));
    await t.app.jobs.drain();
    expect(await bookingRow(bookingId)).toMatchObject({ status: 'completed' });
    expect(await payable(tutor)).toBe(0);
    expect(await books()).toEqual(before);
    expect(t.logs()).toContain('"event":"lesson_earning_skipped"');
    await expectBalanced();
  });

  it('weekly lessons paid in one checkout are earned week by week; an admin refund of the whole payment takes back the earned week only once', async () => {
    clock.set(new Date('2026-12-05T03:00:00.000Z'));
    const tutor = await newTutor();
    const student = await newStudent();
    const res = await student.client.post('/api/bookings/series', { tutorId: tutor.id, start: '2026-12-05T13:30:00.000Z', durationMinutes: 60, weeks: 2, idempotencyKey: key() });
    expect(res.status, res.text).toBe(200);
    const weeks = (res.json.booked as { id: string }[]).map((w) => w.id);
    const before = await books();
    const payment = await pay(student, weeks[0]!);
    expect(await books()).toEqual({ prepaid: before.prepaid + 2 * PRICE, revenue: before.revenue });

    // The first week is cancelled late by the student: kept, so that week's price (only) is earned.
    expect(await cancel(student, weeks[0]!)).toMatchObject({ outcome: 'late_cancellation' });
    expect(await payable(tutor)).toBe(TUTOR_SHARE);
    expect(await books()).toEqual({ prepaid: before.prepaid + PRICE, revenue: before.revenue + COMMISSION });

    // Refunding everything returns the unearned week from the prepayments and reverses the earned one.
    const admin = await adminClient(t);
    const all = await admin.client.post(`/api/admin/payments/${payment.id}/refund`, { reason: 'moving abroad', idempotencyKey: key() });
    expect(all.status, all.text).toBe(201);
    await t.app.jobs.drain();
    expect(await paymentRow(payment.id)).toMatchObject({ refundedMinor: 2 * PRICE, status: 'refunded' });
    expect(await payable(tutor)).toBe(0);
    expect(await books()).toEqual(before);
    await expectBalanced();
  });
});
