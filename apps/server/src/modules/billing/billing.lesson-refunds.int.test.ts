import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, signUpStudent, signUpTutor } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { waitUntil } from '../../../test/help';
import { SocketPool, type TestSocket } from '../../../test/sockets';
import { schema } from '../../platform/db';
import { enqueue } from '../../platform/jobs';
import { NO_SHOW_AFTER_MINUTES } from '../scheduling/scheduling.lessons.rules';
import { LESSON_REFUND_QUEUE, lessonRefundKey } from './billing.bookings';
import { type BillingTestApp, settableClock, startBillingApp } from './billing.providers.testkit';

/** Kolkata evenings every day, 18:00–21:00 (12:30–15:30 UTC); free cancellation up to 24 h before. */
const kolkataEvenings = {
  timeZone: 'Asia/Kolkata',
  rules: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '18:00', end: '21:00' })),
  overrides: [],
  durationsMinutes: [60],
  bufferMinutes: 0,
  minNoticeMinutes: 60,
  maxPerDay: null,
  horizonDays: 60,
  cancelFreeHours: 24,
};
const PRICE = 80_000;
/** 20% commission: the tutor is owed 80% of a lesson's price once it is paid. */
const TUTOR_SHARE = 64_000;
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
  /** A lesson booked and paid: the tutor is owed its share at once. */
  const paidLesson = async (start: string) => {
    const tutor = await newTutor();
    const student = await newStudent();
    const booked = await student.client.post('/api/bookings', { tutorId: tutor.id, start, durationMinutes: 60, idempotencyKey: key() });
    expect(booked.status, booked.text).toBe(201);
    const payment = await pay(student, booked.json.id);
    expect((await bookingRow(booked.json.id)).status).toBe('confirmed');
    expect(await payable(tutor)).toBe(TUTOR_SHARE);
    return { tutor, student, bookingId: booked.json.id as string, payment };
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
    return (res.json.balances as { currency: string; payableMinor: number }[]).find((b) => b.currency === 'INR')?.payableMinor ?? 0;
  };
  const cancelNotice = async (who: { client: Client }) => {
    const notices = (await who.client.get('/api/notifications')).json.notices as { kind: string; text: string }[];
    return notices.find((n) => n.kind === 'booking_cancelled')?.text;
  };
  const refundJobs = async () => (await db().database.db.select().from(schema.jobs).where(eq(schema.jobs.queue, LESSON_REFUND_QUEUE))).map((j) => j.payload as { bookingId: string });

  it('a free cancellation refunds the lesson in full, once: the tutor’s payable goes back to zero and both are told', async () => {
    clock.set(new Date('2026-11-30T00:00:00.000Z'));
    const { tutor, student, bookingId, payment } = await paidLesson('2026-12-03T12:30:00.000Z');

    expect(await cancel(student, bookingId)).toMatchObject({ status: 'cancelled', outcome: 'cancelled' });
    const refunds = await refundsOf(payment.id);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ status: 'succeeded', amountMinor: PRICE, requestedBy: null, idempotencyKey: lessonRefundKey(bookingId) });
    expect(await paymentRow(payment.id)).toMatchObject({ refundedMinor: PRICE, status: 'refunded' });
    expect(await payable(tutor)).toBe(0);
    expect(await cancelNotice(student)).toMatch(/^You cancelled the lesson on .*\. You will get INR 800\.00 back\.$/);
    expect(await cancelNotice(tutor)).toMatch(/ gets INR 800\.00 back\.$/);
    expect(t.logs()).toContain('"event":"lesson_refunded"');

    // Cancelling again changes nothing; the job running again (a retry after a crash) refunds nothing twice.
    expect(await cancel(student, bookingId)).toMatchObject({ status: 'cancelled' });
    const [job] = (await refundJobs()).filter((p) => p.bookingId === bookingId);
    expect(job).toBeDefined();
    await enqueue(db().database.db, LESSON_REFUND_QUEUE, job, { dedupeKey: `retry-${bookingId}`, runAt: clock.now() });
    await t.app.jobs.drain();
    expect(await refundsOf(payment.id)).toHaveLength(1);
    expect(await paymentRow(payment.id)).toMatchObject({ refundedMinor: PRICE });
    expect(await payable(tutor)).toBe(0);
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
    expect(await payable(tutor)).toBe(3 * TUTOR_SHARE);

    expect(await cancel(student, weeks[1]!)).toMatchObject({ outcome: 'cancelled' });
    expect((await refundsOf(payment.id)).map((r) => r.amountMinor)).toEqual([PRICE]);
    expect(await paymentRow(payment.id)).toMatchObject({ amountMinor: 3 * PRICE, refundedMinor: PRICE, status: 'partially_refunded' });
    expect(await payable(tutor)).toBe(2 * TUTOR_SHARE);
    expect((await bookingRow(weeks[0]!)).status).toBe('confirmed');
    expect((await bookingRow(weeks[2]!)).status).toBe('confirmed');
  });

  it('a moved lesson keeps its payment: cancelling it in time refunds the original payment', async () => {
    clock.set(new Date('2026-11-30T06:00:00.000Z'));
    const { tutor, student, bookingId, payment } = await paidLesson('2026-12-04T12:30:00.000Z');
    const moved = await student.client.post(`/api/bookings/${bookingId}/reschedule`, { start: '2026-12-05T12:30:00.000Z', idempotencyKey: key() });
    expect(moved.status, moved.text).toBe(201);
    await t.app.jobs.drain();
    expect(await refundsOf(payment.id)).toEqual([]);
    expect(await cancel(tutor, moved.json.id)).toMatchObject({ outcome: 'cancelled' });
    expect((await refundsOf(payment.id)).map((r) => r.amountMinor)).toEqual([PRICE]);
    expect(await payable(tutor)).toBe(0);
  });

  it('a late cancellation by the student refunds nothing: the tutor keeps the earning, and the notice says so', async () => {
    clock.set(new Date('2026-12-01T00:00:00.000Z'));
    const { tutor, student, bookingId, payment } = await paidLesson('2026-12-01T12:30:00.000Z');
    expect(await cancel(student, bookingId)).toMatchObject({ status: 'cancelled', outcome: 'late_cancellation' });
    expect(await refundsOf(payment.id)).toEqual([]);
    expect(await refundJobs()).not.toContainEqual(expect.objectContaining({ bookingId }));
    expect(await paymentRow(payment.id)).toMatchObject({ refundedMinor: 0, status: 'succeeded' });
    expect(await payable(tutor)).toBe(TUTOR_SHARE);
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
    const { tutor, student, bookingId, payment } = await paidLesson(start.toISOString());
    // The student comes to the room; the tutor never does.
    clock.set(new Date(start.getTime() - 5 * MINUTE));
    const room = await student.client.post(`/api/bookings/${bookingId}/room`);
    expect(room.status, room.text).toBe(200);
    const { socket } = await sockets.connect(t.baseUrl, student.client.cookie);
    const ack = await (socket as TestSocket as unknown as AnySocket).timeout(5_000).emitWithAck('room:join', { sessionId: room.json.sessionId });
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
    const e = schema.callEvents;
    await waitUntil(async () => (await db().database.db.select().from(e).where(and(eq(e.sessionId, room.json.sessionId), eq(e.userId, student.id), eq(e.type, 'joined')))).length > 0, 'the join event');

    clock.set(new Date(start.getTime() + NO_SHOW_AFTER_MINUTES * MINUTE));
    await t.app.jobs.drain();
    expect(await bookingRow(bookingId)).toMatchObject({ status: 'no_show', outcome: 'tutor_no_show' });
    expect((await refundsOf(payment.id)).map((r) => [r.amountMinor, r.status, r.idempotencyKey])).toEqual([[PRICE, 'succeeded', lessonRefundKey(bookingId)]]);
    expect(await payable(tutor)).toBe(0);
    // Another sweep changes nothing.
    clock.set(new Date(start.getTime() + 2 * NO_SHOW_AFTER_MINUTES * MINUTE));
    await t.app.jobs.drain();
    expect(await refundsOf(payment.id)).toHaveLength(1);
  });
});
