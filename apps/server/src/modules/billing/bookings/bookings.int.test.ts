import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, signUpStudent, signUpTutor } from '../../../../test/app';
import { describeEachBackend } from '../../../../test/db';
import { schema } from '../../../../test/schema';
import { type BillingTestApp, kolkataEvenings, settableClock, startBillingApp } from '../payments/providers.testkit';

/** Booked lessons paid at booking (issues #6, #7): held → checkout with the fake provider → confirmed, released or refunded. */
describeEachBackend('billing: paying for booked lessons', ({ db }) => {
  let t: BillingTestApp;
  const clock = settableClock(new Date('2026-11-30T00:00:00.000Z'));
  let tutorId: string;
  let keys = 0;
  const key = () => `pay-lesson-${++keys}-${Date.now()}`;

  beforeAll(async () => {
    t = await startBillingApp(db().database, { clock, payments: { provider: 'fake', stripe: null, razorpay: null } });
    const tutor = new Client(t.baseUrl);
    tutorId = (await signUpTutor(tutor, { timeZone: 'Asia/Kolkata' })).user.id;
    expect((await tutor.put('/api/tutors/me/availability', kolkataEvenings)).status).toBe(200);
    await db().database.db.update(schema.tutorProfiles).set({ hourlyRateMinor: 80_000, currency: 'INR' }).where(eq(schema.tutorProfiles.userId, tutorId));
  });
  afterAll(async () => {
    await t?.close();
  });

  const newStudent = async () => {
    const client = new Client(t.baseUrl);
    const { user } = await signUpStudent(client, { timeZone: 'America/New_York' });
    return { client, id: user.id };
  };
  const book = (s: { client: Client }, start: string) => s.client.post('/api/bookings', { tutorId, start, durationMinutes: 60, idempotencyKey: key() });
  const checkout = (s: { client: Client }, bookingId: string) => s.client.post('/api/billing/checkout', { bookingId, idempotencyKey: key() });
  const pay = async (checkoutId: string, outcome: 'succeed' | 'fail') => {
    const res = await new Client(t.baseUrl).request('POST', `/dev/fake-pay/${checkoutId}/${outcome}`, undefined, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(200);
    await t.app.jobs.drain();
  };
  const bookingRow = async (id: string) => (await db().database.db.select().from(schema.bookings).where(eq(schema.bookings.id, id)))[0]!;
  const paymentsOf = (studentId: string) => db().database.db.select().from(schema.payments).where(eq(schema.payments.studentId, studentId));
  const refundsOf = (paymentId: string) => db().database.db.select().from(schema.refunds).where(eq(schema.refunds.paymentId, paymentId));

  it('a priced booking is held while paying, confirmed by the payment, and stays paid when moved', async () => {
    clock.set(new Date('2026-11-30T00:00:00.000Z'));
    const s = await newStudent();
    const res = await book(s, '2026-12-03T12:30:00.000Z');
    expect(res.status, res.text).toBe(201);
    expect(res.json).toMatchObject({ status: 'held', heldUntil: '2026-11-30T00:10:00.000Z', priceMinor: 80_000, currency: 'INR', confirmedAt: null });
    // Held is taken for everyone else.
    expect((await book(await newStudent(), '2026-12-03T12:30:00.000Z')).status).toBe(409);

    const c = await checkout(s, res.json.id);
    expect(c.status, c.text).toBe(201);
    expect(c.json).toMatchObject({ purpose: 'booking', bookingId: res.json.id, amountMinor: 80_000, currency: 'INR', status: 'open' });
    expect(c.json.url).toMatch(new RegExp(`/dev/fake-pay/${c.json.id}$`));
    clock.advance(3 * 60_000);
    await pay(c.json.id, 'succeed');
    expect((await s.client.get(`/api/billing/checkouts/${c.json.id}`)).json.status).toBe('paid');
    expect(await bookingRow(res.json.id)).toMatchObject({ status: 'confirmed', confirmedAt: clock.now() });
    const [payment] = await paymentsOf(s.id);
    expect(payment).toMatchObject({ amountMinor: 80_000, status: 'succeeded', refundedMinor: 0 });
    expect(await refundsOf(payment!.id)).toEqual([]);

    // A reschedule keeps the payment: the moved lesson is confirmed, nothing new to pay, nothing refunded.
    const moved = await s.client.post(`/api/bookings/${res.json.id}/reschedule`, { start: '2026-12-04T12:30:00.000Z', idempotencyKey: key() });
    expect(moved.status, moved.text).toBe(201);
    expect(moved.json).toMatchObject({ status: 'confirmed', priceMinor: 80_000, rescheduledFrom: res.json.id });
    expect(await paymentsOf(s.id)).toHaveLength(1);
    expect(await refundsOf(payment!.id)).toEqual([]);
  });

  it('a failed payment releases the hold: the slot is free again and nothing is charged', async () => {
    clock.set(new Date('2026-11-30T01:00:00.000Z'));
    const s = await newStudent();
    const res = await book(s, '2026-12-05T12:30:00.000Z');
    const c = await checkout(s, res.json.id);
    await pay(c.json.id, 'fail');
    expect((await s.client.get(`/api/billing/checkouts/${c.json.id}`)).json.status).toBe('failed');
    expect(await bookingRow(res.json.id)).toMatchObject({ status: 'cancelled', outcome: 'hold_expired' });
    expect(await paymentsOf(s.id)).toEqual([]);
    expect((await book(await newStudent(), '2026-12-05T12:30:00.000Z')).status).toBe(201);
  });

  it('paid after the hold ran out: confirmed if the slot is still free, refunded automatically if someone took it', async () => {
    clock.set(new Date('2026-11-30T02:00:00.000Z'));
    const slow = await newStudent();
    const free = await book(slow, '2026-12-06T12:30:00.000Z');
    const c1 = await checkout(slow, free.json.id);
    clock.advance(15 * 60_000);
    await t.app.jobs.drain();
    await pay(c1.json.id, 'succeed');
    expect(await bookingRow(free.json.id)).toMatchObject({ status: 'confirmed', outcome: null });
    const [kept] = await paymentsOf(slow.id);
    expect(await refundsOf(kept!.id)).toEqual([]);

    const unlucky = await newStudent();
    const lost = await book(unlucky, '2026-12-07T12:30:00.000Z');
    const c2 = await checkout(unlucky, lost.json.id);
    clock.advance(15 * 60_000);
    // The hold lapsed; another learner books the slot before the late payment arrives.
    expect((await book(await newStudent(), '2026-12-07T12:30:00.000Z')).status).toBe(201);
    await pay(c2.json.id, 'succeed');
    expect(await bookingRow(lost.json.id)).toMatchObject({ status: 'cancelled', outcome: 'hold_expired' });
    const [payment] = await paymentsOf(unlucky.id);
    expect(payment).toMatchObject({ amountMinor: 80_000, refundedMinor: 80_000, status: 'refunded' });
    const refunds = await refundsOf(payment!.id);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ status: 'succeeded', amountMinor: 80_000, requestedBy: null, idempotencyKey: `booking-unconfirmed:${c2.json.id}` });
    expect(t.logs()).toContain('"event":"booking_payment_refunded"');
    // The job running again refunds nothing twice.
    await t.app.jobs.drain();
    expect(await refundsOf(payment!.id)).toHaveLength(1);
  });

  it('weekly lessons are paid in one checkout for every held week; a week cancelled meanwhile is refunded', async () => {
    clock.set(new Date('2026-11-30T03:00:00.000Z'));
    const s = await newStudent();
    const res = await s.client.post('/api/bookings/series', { tutorId, start: '2026-12-08T13:30:00.000Z', durationMinutes: 60, weeks: 3, idempotencyKey: key() });
    expect(res.status, res.text).toBe(200);
    const weeks = res.json.booked as { id: string; status: string }[];
    expect(weeks.map((w) => w.status)).toEqual(['held', 'held', 'held']);
    const c = await checkout(s, weeks[1]!.id);
    expect(c.json).toMatchObject({ amountMinor: 240_000, bookingId: weeks[1]!.id });
    // The student drops the last week before paying.
    expect((await s.client.post(`/api/bookings/${weeks[2]!.id}/cancel`)).json.status).toBe('cancelled');
    await pay(c.json.id, 'succeed');
    expect((await bookingRow(weeks[0]!.id)).status).toBe('confirmed');
    expect((await bookingRow(weeks[1]!.id)).status).toBe('confirmed');
    expect((await bookingRow(weeks[2]!.id)).status).toBe('cancelled');
    const [payment] = await paymentsOf(s.id);
    expect(payment).toMatchObject({ amountMinor: 240_000, refundedMinor: 80_000, status: 'partially_refunded' });
  });

  it('a free lesson (a tutor without a rate) is confirmed at once, payments on or not', async () => {
    clock.set(new Date('2026-11-30T04:00:00.000Z'));
    const tutor = new Client(t.baseUrl);
    const free = (await signUpTutor(tutor, { timeZone: 'Asia/Kolkata' })).user.id;
    expect((await tutor.put('/api/tutors/me/availability', kolkataEvenings)).status).toBe(200);
    await db().database.db.update(schema.tutorProfiles).set({ hourlyRateMinor: 0 }).where(eq(schema.tutorProfiles.userId, free));
    const s = await newStudent();
    const res = await s.client.post('/api/bookings', { tutorId: free, start: '2026-12-03T12:30:00.000Z', durationMinutes: 60, idempotencyKey: key() });
    expect(res.status, res.text).toBe(201);
    expect(res.json).toMatchObject({ status: 'confirmed', priceMinor: 0 });
  });
});
