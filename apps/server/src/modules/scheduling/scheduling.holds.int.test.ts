import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, relaxedLogin, signUpStudent, signUpTutor, type TestApp, startTestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { schema } from '../../../test/schema';
import { createIdentityRepo } from '../identity';
import { everyDay } from '../../../test/availability';

/** Kolkata evenings, 18:00–21:00 every day (12:30–15:30 UTC); 30- and 60-minute lessons; free cancellation up to 24 h. */
const kolkataEvenings = everyDay('Asia/Kolkata', '18:00', '21:00');

/**
 * Issue #13: a learner who leaves the tutor's profile while a booking is held for payment (Back, a reload, another
 * device) finds the hold there again, from the server; and the lesson's price is on the profile before Book.
 */
describeEachBackend('scheduling: a learner’s active holds with a tutor, and prices before booking', ({ db }) => {
  let t: TestApp;
  let nowMs = Date.parse('2026-11-30T00:00:00.000Z');
  const clock = { now: () => new Date(nowMs) };
  const setNow = (iso: string) => (nowMs = Date.parse(iso));
  let tutor: { client: Client; id: string };
  let otherTutor: { client: Client; id: string };
  let keys = 0;

  const newTutor = async (rate: number) => {
    const client = new Client(t.baseUrl);
    const { user } = await signUpTutor(client, { timeZone: 'Asia/Kolkata' });
    expect((await client.put('/api/tutors/me/availability', kolkataEvenings)).status).toBe(200);
    await db().database.db.update(schema.tutorProfiles).set({ hourlyRateMinor: rate, currency: 'INR' }).where(eq(schema.tutorProfiles.userId, user.id));
    await createIdentityRepo(db().database.db).setApproval(user.id, 'approved', user.id, clock.now());
    return { client, id: user.id };
  };
  const newStudent = async () => {
    const client = new Client(t.baseUrl);
    const { user } = await signUpStudent(client, { timeZone: 'America/New_York' });
    return { client, id: user.id };
  };
  const book = (s: { client: Client }, tutorId: string, start: string, durationMinutes = 60) =>
    s.client.post('/api/bookings', { tutorId, start, durationMinutes, idempotencyKey: `holds-${++keys}-${Date.now()}` });
  const holds = async (s: { client: Client }, tutorId: string) => {
    const res = await s.client.get(`/api/bookings/holds?tutorId=${tutorId}`);
    expect(res.status, res.text).toBe(200);
    return res.json.holds as { id: string; status: string; heldUntil: string; start: string; priceMinor: number }[];
  };

  beforeAll(async () => {
    // Payments on (the fake provider): a priced booking is held until paid.
    t = await startTestApp(db().database, { login: relaxedLogin, payments: { provider: 'fake', stripe: null, razorpay: null } }, clock, { manualJobs: true });
    tutor = await newTutor(90_000);
    otherTutor = await newTutor(60_000);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lists the learner’s live holds with that tutor, and only theirs, until the hold lapses on the server’s clock', async () => {
    setNow('2026-11-30T00:00:00.000Z');
    const s = await newStudent();
    expect(await holds(s, tutor.id)).toEqual([]);

    const later = await book(s, tutor.id, '2026-12-03T13:30:00.000Z');
    const sooner = await book(s, tutor.id, '2026-12-02T12:30:00.000Z', 30);
    const elsewhere = await book(s, otherTutor.id, '2026-12-02T12:30:00.000Z');
    for (const r of [later, sooner, elsewhere]) expect(r.json, r.text).toMatchObject({ status: 'held', heldUntil: '2026-11-30T00:10:00.000Z' });

    // Back on the profile (nothing on the client remembers the hold): the server lists it, soonest first.
    setNow('2026-11-30T00:04:00.000Z');
    expect(await holds(s, tutor.id)).toMatchObject([
      { id: sooner.json.id, status: 'held', start: '2026-12-02T12:30:00.000Z', heldUntil: '2026-11-30T00:10:00.000Z', priceMinor: 45_000 },
      { id: later.json.id, status: 'held', start: '2026-12-03T13:30:00.000Z', priceMinor: 90_000 },
    ]);
    expect((await holds(s, otherTutor.id)).map((h) => h.id)).toEqual([elsewhere.json.id]);
    // Someone else's holds are not theirs to see.
    expect(await holds(await newStudent(), tutor.id)).toEqual([]);

    // At the end of the hold it is gone from the list, even before the sweep has cancelled the row.
    setNow('2026-11-30T00:10:00.000Z');
    expect(await holds(s, tutor.id)).toEqual([]);
    expect((await db().database.db.select().from(schema.bookings).where(eq(schema.bookings.id, later.json.id)))[0]!.status).toBe('held');
  });

  it('a paid hold leaves the list; a released one leaves it too, as a plain cancellation even close to the start', async () => {
    setNow('2026-12-01T00:00:00.000Z');
    const s = await newStudent();
    const paid = await book(s, tutor.id, '2026-12-05T12:30:00.000Z');
    // 13 hours ahead: inside the tutor's 24-hour free-cancellation window.
    const released = await book(s, tutor.id, '2026-12-01T13:00:00.000Z');
    expect((await holds(s, tutor.id)).map((h) => h.id).sort()).toEqual([paid.json.id, released.json.id].sort());

    const checkout = await s.client.post('/api/billing/checkout', { bookingId: paid.json.id, idempotencyKey: `holds-pay-${++keys}` });
    expect(checkout.status, checkout.text).toBe(201);
    const payRes = await new Client(t.baseUrl).request('POST', `/dev/fake-pay/${checkout.json.id}/succeed`, undefined, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(payRes.status).toBe(200);
    await t.app.jobs.drain();
    expect((await holds(s, tutor.id)).map((h) => h.id)).toEqual([released.json.id]);
    // The confirmation notice says which part of its text is the lesson's time, so the app can write it on the
    // reader's own clock (12- or 24-hour).
    const notices = (await s.client.get('/api/notifications')).json.notices as { kind: string; text: string; data: Record<string, string> }[];
    const confirmed = notices.find((n) => n.kind === 'booking_confirmed' && n.data.bookingId === paid.json.id)!;
    expect(confirmed.data).toMatchObject({ start: '2026-12-05T12:30:00.000Z', timeZone: 'America/New_York', whenText: 'Sat 5 Dec, 07:30 (America/New_York)' });
    expect(confirmed.text).toContain(confirmed.data.whenText);

    // Release: the learner cancels the hold. Nothing was paid or agreed, so it is never a late cancellation.
    const cancel = await s.client.post(`/api/bookings/${released.json.id}/cancel`);
    expect(cancel.status, cancel.text).toBe(200);
    expect(cancel.json).toMatchObject({ status: 'cancelled', outcome: 'cancelled', cancelledBy: s.id });
    expect(await holds(s, tutor.id)).toEqual([]);
    // The slot is free again for everyone.
    expect((await book(await newStudent(), tutor.id, '2026-12-01T13:00:00.000Z')).status).toBe(201);
  });

  it('is for students, about a tutor given by id', async () => {
    expect((await tutor.client.get(`/api/bookings/holds?tutorId=${otherTutor.id}`)).status).toBe(403);
    expect((await new Client(t.baseUrl).get(`/api/bookings/holds?tutorId=${tutor.id}`)).status).toBe(401);
    const s = await newStudent();
    const bad = await s.client.get('/api/bookings/holds?tutorId=nope');
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('validation_failed');
    expect((await s.client.get('/api/bookings/holds')).status).toBe(400);
  });

  it('the public profile prices each lesson length offered, as booking it costs', async () => {
    setNow('2026-12-02T00:00:00.000Z');
    const profile = await new Client(t.baseUrl).get(`/api/tutors/${tutor.id}`);
    expect(profile.status, profile.text).toBe(200);
    expect(profile.json).toMatchObject({ currency: 'INR', hourlyRateMinor: 90_000, durationsMinutes: [30, 60] });
    expect(profile.json.lessonPrices).toEqual([
      { durationMinutes: 30, priceMinor: 45_000 },
      { durationMinutes: 60, priceMinor: 90_000 },
    ]);
    const s = await newStudent();
    for (const { durationMinutes, priceMinor } of profile.json.lessonPrices as { durationMinutes: number; priceMinor: number }[]) {
      const start = durationMinutes === 30 ? '2026-12-06T12:30:00.000Z' : '2026-12-06T14:00:00.000Z';
      const res = await book(s, tutor.id, start, durationMinutes);
      expect(res.json, res.text).toMatchObject({ priceMinor, currency: 'INR' });
    }
  });
});
