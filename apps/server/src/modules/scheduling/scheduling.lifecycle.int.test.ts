import { eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, relaxedLogin, signUpStudent, signUpTutor, type TestApp, startTestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { nextEvent, SocketPool } from '../../../test/sockets';
import { AppError, valueOr } from '../../platform/errors';
import { schema } from '../../../test/schema';
import type { AuthUser } from '../identity';
import { createInbox, createNotifications, type NotificationChannel, type OutboundMessage } from '../notifications';
import { bookErrors, confirmHoldErrors, releaseHoldErrors } from './scheduling.http';
import { createSchedulingRepo } from './scheduling.repo';
import { createSchedulingService, scheduleHoldSweep } from './scheduling.service';
import { everyDay } from '../../../test/availability';
import { type LocalPushService, startLocalPushService } from '../../../test/push-service';
import { testConfig } from '../../config';

const takenMessage = 'That slot was just taken. Please choose another time.';
/** Kolkata evenings, 18:00–21:00 every day: 12:30–15:30 UTC, 07:30–10:30 in New York (EST). */
const kolkataEvenings = everyDay('Asia/Kolkata', '18:00', '21:00');

/** Booking lifecycle (issue #6): price, holds, telling both sides, reminders and rescheduling. */
describeEachBackend('scheduling: booking lifecycle', ({ db }) => {
  let t: TestApp;
  let nowMs = Date.parse('2026-11-30T00:00:00.000Z');
  const clock = { now: () => new Date(nowMs) };
  const setNow = (iso: string) => (nowMs = Date.parse(iso));
  const sent: { userId: string; message: OutboundMessage }[] = [];
  const channel: NotificationChannel = { name: 'fake', reaches: async () => true, send: async (userId, message) => void sent.push({ userId, message }) };
  let tutor: { client: Client; id: string };
  let keys = 0;
  const sockets = new SocketPool();
  let pushService: LocalPushService;

  const newStudent = async () => {
    const client = new Client(t.baseUrl);
    const { user } = await signUpStudent(client, { timeZone: 'America/New_York' });
    return { client, id: user.id };
  };
  const newTutor = async (policy: Record<string, unknown> = kolkataEvenings, rate = 90_000) => {
    const client = new Client(t.baseUrl);
    const { user } = await signUpTutor(client, { timeZone: 'Asia/Kolkata' });
    expect((await client.put('/api/tutors/me/availability', policy)).status).toBe(200);
    await db().database.db.update(schema.tutorProfiles).set({ hourlyRateMinor: rate, currency: 'INR' }).where(eq(schema.tutorProfiles.userId, user.id));
    return { client, id: user.id };
  };
  const book = (s: { client: Client }, tutorId: string, start: string, durationMinutes = 60) =>
    s.client.post('/api/bookings', { tutorId, start, durationMinutes, idempotencyKey: `life-${++keys}-${Date.now()}` });
  const noticesOf = async (c: Client) => (await c.get('/api/notifications')).json as { notices: { id: number; kind: string; text: string; data: Record<string, unknown> }[]; unread: number };
  const jobsLike = (pattern: string) => db().database.db.select().from(schema.jobs).where(like(schema.jobs.dedupeKey, pattern));

  beforeAll(async () => {
    // Web Push on, to a push service on loopback (#21): the student's lesson reminder reaches their browser too.
    pushService = await startLocalPushService();
    t = await startTestApp(db().database, { login: relaxedLogin, push: { ...testConfig().push, enabled: true } }, clock, { manualJobs: true, channels: [channel], pushAgent: pushService.agent() });
    tutor = await newTutor();
  });
  afterAll(async () => {
    sockets.closeAll();
    await t?.close();
    await pushService?.close();
  });

  it('prices a booking from the tutor rate, confirms it and tells both sides on their own clocks, in-app and through the outbox', async () => {
    const s = await newStudent();
    const { socket } = await sockets.connect(t.baseUrl, s.client.cookie);
    const pushed = nextEvent<{ kind: string; text: string }>(socket, 'notification:new');
    const res = await book(s, tutor.id, '2026-12-07T12:30:00.000Z', 30);
    expect(res.status, res.text).toBe(201);
    // Pushed to the student's open app after the commit.
    expect(await pushed).toMatchObject({ kind: 'booking_confirmed', text: expect.stringContaining('07:30 (America/New_York)') });
    // 90 000 per hour × 30 minutes.
    expect(res.json).toMatchObject({ status: 'confirmed', confirmedAt: clock.now().toISOString(), heldUntil: null, priceMinor: 45_000, currency: 'INR', seriesId: null, rescheduledFrom: null });
    const id = res.json.id as string;

    const mine = await noticesOf(s.client);
    expect(mine.unread).toBe(1);
    expect(mine.notices[0]).toMatchObject({ kind: 'booking_confirmed', text: 'Booked: your lesson with Test Tutor on Mon 7 Dec, 07:30 (America/New_York).', data: { bookingId: id } });
    const theirs = await noticesOf(tutor.client);
    expect(theirs.notices.find((n) => n.data.bookingId === id)).toMatchObject({ kind: 'booking_confirmed', text: 'New booking: Test Student booked a lesson on Mon 7 Dec, 18:00 (Asia/Kolkata).' });

    // The outbox delivers once per person, even if the jobs run twice.
    await t.app.jobs.drain();
    await t.app.jobs.drain();
    const out = sent.filter((m) => m.message.data?.bookingId === id);
    expect(out.map((m) => m.userId).sort()).toEqual([s.id, tutor.id].sort());
    expect(out.find((m) => m.userId === s.id)!.message.text).toContain('07:30 (America/New_York)');

    // Marking read: only up to the id given, only one's own.
    expect((await s.client.post('/api/notifications/read', { upTo: 0 })).status).toBe(400);
    expect((await s.client.post('/api/notifications/read', { upTo: mine.notices[0]!.id, extra: 1 })).status).toBe(400);
    expect((await noticesOf(s.client)).unread).toBe(1);
    const read = await s.client.post('/api/notifications/read', { upTo: mine.notices[0]!.id });
    expect(read.json).toEqual({ marked: 1 });
    expect((await noticesOf(s.client)).unread).toBe(0);
    expect((await new Client(t.baseUrl).get('/api/notifications')).status).toBe(401);
    expect(t.logs()).toContain('"event":"notices_read"');
  });

  it('queues the 24-hour and 15-minute reminders, sends them on time on both clocks, and skips them once the lesson is cancelled', async () => {
    setNow('2026-11-30T00:00:00.000Z');
    const s = await newStudent();
    const far = await book(s, tutor.id, '2026-12-03T12:30:00.000Z');
    expect(far.status, far.text).toBe(201);
    expect((await jobsLike(`booking-reminder:${far.json.id}:%`)).map((j) => j.dedupeKey).sort()).toEqual([
      `booking-reminder:${far.json.id}:15m:2026-12-03T12:30:00.000Z`,
      `booking-reminder:${far.json.id}:24h:2026-12-03T12:30:00.000Z`,
    ]);

    // Booked three hours ahead: only the 15-minute reminder.
    setNow('2026-11-30T09:30:00.000Z');
    const soon = await book(s, tutor.id, '2026-11-30T12:30:00.000Z');
    expect(soon.status, soon.text).toBe(201);
    const soonJobs = await jobsLike(`booking-reminder:${soon.json.id}:%`);
    expect(soonJobs.map((j) => [j.dedupeKey, j.runAt.toISOString()])).toEqual([[`booking-reminder:${soon.json.id}:15m:2026-11-30T12:30:00.000Z`, '2026-11-30T12:15:00.000Z']]);

    // Not yet due: nothing.
    await t.app.jobs.drain();
    // The student turns push on in this browser (#21), after the bookings' own notices went out.
    const sub = pushService.subscribe();
    expect((await s.client.post('/api/notifications/push/subscriptions', sub.json)).status).toBe(201);
    expect((await noticesOf(s.client)).notices.filter((n) => n.kind === 'booking_reminder')).toEqual([]);
    setNow('2026-11-30T12:15:00.000Z');
    await t.app.jobs.drain();
    const reminders = (await noticesOf(s.client)).notices.filter((n) => n.kind === 'booking_reminder');
    expect(reminders.map((n) => n.text)).toEqual(['In 15 minutes: your lesson with Test Tutor on Mon 30 Nov, 07:30 (America/New_York).']);
    expect((await noticesOf(tutor.client)).notices.find((n) => n.kind === 'booking_reminder' && n.data.bookingId === soon.json.id)!.text).toContain('18:00 (Asia/Kolkata)');
    expect(sent.filter((m) => m.message.kind === 'booking_reminder' && m.message.data?.bookingId === soon.json.id)).toHaveLength(2);
    // The same reminder as a Web Push, encrypted and VAPID-signed, to the student's browser only; urgent, opening the lessons.
    await t.app.jobs.drain();
    const [pushed] = await pushService.waitFor(sub.id, 1, 15_000);
    expect(pushed).toMatchObject({ urgency: 'high' });
    expect(pushed!.json).toMatchObject({ kind: 'booking_reminder', title: 'Lesson reminder', url: '/lessons', body: reminders[0]!.text, data: { bookingId: soon.json.id } });
    expect(pushService.received(sub.id)).toHaveLength(1);

    // The far lesson is cancelled: its reminders come due and do nothing.
    expect((await s.client.post(`/api/bookings/${far.json.id}/cancel`)).status).toBe(200);
    setNow('2026-12-03T12:20:00.000Z');
    await t.app.jobs.drain();
    expect((await noticesOf(s.client)).notices.filter((n) => n.kind === 'booking_reminder' && n.data.bookingId === far.json.id)).toEqual([]);
    expect(t.logs()).toContain('"event":"booking_reminder_skipped"');
    const cancelNotices = (await noticesOf(tutor.client)).notices.filter((n) => n.kind === 'booking_cancelled' && n.data.bookingId === far.json.id);
    expect(cancelNotices.map((n) => n.text)).toEqual(['Test Student cancelled the lesson on Thu 3 Dec, 18:00 (Asia/Kolkata).']);
    setNow('2026-11-30T00:00:00.000Z');
  });

  it('moves a lesson in one transaction (old one rescheduled, new one pointing back, same price), returns the same on retry, and tells both', async () => {
    setNow('2026-11-30T00:00:00.000Z');
    const s = await newStudent();
    const made = await book(s, tutor.id, '2026-12-10T12:30:00.000Z');
    expect(made.status).toBe(201);
    const id = made.json.id as string;
    // Half an hour later overlaps the lesson's own current time: allowed, since that time is being given up.
    const moved = await s.client.post(`/api/bookings/${id}/reschedule`, { start: '2026-12-10T13:00:00.000Z', idempotencyKey: 'move-0001' });
    expect(moved.status, moved.text).toBe(201);
    expect(moved.json).toMatchObject({ status: 'confirmed', start: '2026-12-10T13:00:00.000Z', end: '2026-12-10T14:00:00.000Z', rescheduledFrom: id, priceMinor: 90_000, currency: 'INR' });
    const again = await s.client.post(`/api/bookings/${id}/reschedule`, { start: '2026-12-10T13:00:00.000Z', idempotencyKey: 'move-0001' });
    expect(again.status).toBe(200);
    expect(again.json.id).toBe(moved.json.id);
    const old = (await s.client.get('/api/bookings')).json.bookings.find((b: { id: string }) => b.id === id);
    expect(old).toMatchObject({ status: 'cancelled', outcome: 'rescheduled', cancelledBy: s.id });
    const told = (await noticesOf(tutor.client)).notices.filter((n) => n.kind === 'booking_rescheduled' && n.data.bookingId === moved.json.id);
    expect(told.map((n) => n.text)).toEqual(['Moved: your lesson with Test Student is now on Thu 10 Dec, 18:30 (Asia/Kolkata) (was Thu 10 Dec, 18:00 (Asia/Kolkata)).']);
    // A moved lesson cannot be moved again from its old booking; the tutor can move the new one.
    expect((await s.client.post(`/api/bookings/${id}/reschedule`, { start: '2026-12-11T12:30:00.000Z', idempotencyKey: 'move-0002' })).status).toBe(409);
    const byTutor = await tutor.client.post(`/api/bookings/${moved.json.id}/reschedule`, { start: '2026-12-11T12:30:00.000Z', idempotencyKey: 'move-0003' });
    expect(byTutor.status, byTutor.text).toBe(201);
    expect(t.logs()).toContain('"event":"booking_rescheduled"');
    // Reminders follow the lesson: the moved-away lesson's come due and do nothing.
    expect(await jobsLike(`booking-reminder:${byTutor.json.id}:%`)).toHaveLength(2);
  });

  it('refuses to move inside the late window (only cancelling, which is late), onto a taken or bad slot, or someone else’s lesson, changing nothing', async () => {
    setNow('2026-11-30T00:00:00.000Z');
    const s = await newStudent();
    const other = await newStudent();
    const soon = await book(s, tutor.id, '2026-11-30T13:30:00.000Z');
    expect(soon.status, soon.text).toBe(201);
    const late = await s.client.post(`/api/bookings/${soon.json.id}/reschedule`, { start: '2026-12-12T12:30:00.000Z', idempotencyKey: 'late-0001' });
    expect(late.status).toBe(409);
    expect(late.json.error.code).toBe('too_late_to_reschedule');
    expect(late.json.error.message).toBe('This lesson starts in less than 24 hours, so it can no longer be moved. You can still cancel it, but that counts as a late cancellation and the lesson price (INR 900.00) may be charged.');
    expect(late.json.error.details).toMatchObject({ cancelOutcome: 'late_cancellation', priceMinor: 90_000 });

    const mine = await book(s, tutor.id, '2026-12-14T12:30:00.000Z');
    const theirs = await book(other, tutor.id, '2026-12-15T12:30:00.000Z');
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    const taken = await s.client.post(`/api/bookings/${mine.json.id}/reschedule`, { start: '2026-12-15T13:00:00.000Z', idempotencyKey: 'take-0001' });
    expect(taken.status).toBe(409);
    expect(taken.json.error.message).toBe(takenMessage);
    expect((taken.json.error.details.slots as { start: string }[]).map((x) => x.start)).toContain('2026-12-15T13:30:00.000Z');
    const bad = await s.client.post(`/api/bookings/${mine.json.id}/reschedule`, { start: '2026-12-15T03:00:00.000Z', idempotencyKey: 'bad-00001' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details).toEqual({ reason: 'outside_availability' });
    expect((await s.client.post(`/api/bookings/${mine.json.id}/reschedule`, { start: 'tomorrow', idempotencyKey: 'bad-00002' })).status).toBe(400);
    expect((await s.client.post(`/api/bookings/${mine.json.id}/reschedule`, { start: '2026-12-14T12:30:00.000Z', idempotencyKey: 'bad-00003' })).status).toBe(400);
    expect((await other.client.post(`/api/bookings/${mine.json.id}/reschedule`, { start: '2026-12-16T12:30:00.000Z', idempotencyKey: 'nope-0001' })).status).toBe(404);
    const rows = await db().database.db.select().from(schema.bookings).where(eq(schema.bookings.studentId, s.id));
    expect(rows.map((b) => [b.startsAt.toISOString(), b.status]).sort()).toEqual([
      ['2026-11-30T13:30:00.000Z', 'confirmed'],
      ['2026-12-14T12:30:00.000Z', 'confirmed'],
    ]);
  });

  it('gives a contested new time to exactly one of several lessons being moved there at once; the others stay put with a 409', async () => {
    setNow('2026-11-30T00:00:00.000Z');
    const movers = await Promise.all([0, 1, 2, 3].map(() => newStudent()));
    const made = await Promise.all(movers.map((m, i) => book(m, tutor.id, `2026-12-${21 + i}T12:30:00.000Z`)));
    expect(made.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    const results = await Promise.all(movers.map((m, i) => m.client.post(`/api/bookings/${made[i]!.json.id}/reschedule`, { start: '2026-12-26T13:00:00.000Z', idempotencyKey: `race-000${i}` })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) expect(r.json.error.message).toBe(takenMessage);
    const live = await db().database.db.select().from(schema.bookings).where(eq(schema.bookings.tutorId, tutor.id));
    expect(live.filter((b) => b.status !== 'cancelled' && b.startsAt.toISOString() === '2026-12-26T13:00:00.000Z')).toHaveLength(1);
    // The losers keep their lessons.
    expect(live.filter((b) => made.some((m) => m.json.id === b.id) && b.status === 'confirmed')).toHaveLength(3);
  });

  it('holds a booking while payment is needed, confirms a live hold once, refuses an expired one, and the sweep job releases lapsed holds', async () => {
    setNow('2026-11-30T00:00:00.000Z');
    const repo = createSchedulingRepo(db().database.db);
    const inbox = createInbox({ db: db().database.db, logger: t.app.logger });
    const paying = createSchedulingService({ repo, clock, logger: t.app.logger, inbox, notifications: createNotifications({ channels: [], clock, logger: t.app.logger }), payments: { requiresPayment: async (b) => b.priceMinor > 0 } });
    const s = await newStudent();
    const [row] = await db().database.db.select().from(schema.users).where(eq(schema.users.id, s.id));
    const caller: AuthUser = { id: s.id, role: 'student', user: row!, authSessionId: 'test' };
    const bookHeld = async (start: string, key: string) => valueOr(await paying.book(caller, { tutorId: tutor.id, start, durationMinutes: 60, idempotencyKey: key }), bookErrors);
    // confirmHeld and releaseHold answer with typed results (decision 039); these read them as the HTTP errors they map to.
    const confirmHeld = async (id: string) => valueOr(await paying.confirmHeld(id), confirmHoldErrors);
    const releaseHold = async (id: string) => valueOr(await paying.releaseHold(id), releaseHoldErrors);

    const { booking } = await bookHeld('2026-12-17T12:30:00.000Z', 'hold-0001');
    expect(booking).toMatchObject({ status: 'held', heldUntil: '2026-11-30T00:10:00.000Z', confirmedAt: null, priceMinor: 90_000 });
    // A held slot is taken for everyone else, and nobody is told yet.
    const other = await newStudent();
    expect((await book(other, tutor.id, '2026-12-17T12:30:00.000Z')).status).toBe(409);
    expect((await noticesOf(s.client)).notices).toEqual([]);

    setNow('2026-11-30T00:09:00.000Z');
    const confirmed = await confirmHeld(booking.id);
    expect(confirmed).toMatchObject({ status: 'confirmed', confirmedAt: '2026-11-30T00:09:00.000Z' });
    expect(await confirmHeld(booking.id)).toEqual(confirmed);
    expect((await noticesOf(s.client)).notices.map((n) => n.kind)).toEqual(['booking_confirmed']);
    expect(await jobsLike(`booking-reminder:${booking.id}:%`)).toHaveLength(2);

    // A hold that lapsed, paid late after someone else took its slot, is refused and released (billing refunds).
    setNow('2026-11-30T01:00:00.000Z');
    const lapsed = (await bookHeld('2026-12-18T12:30:00.000Z', 'hold-0002')).booking;
    setNow('2026-11-30T01:10:00.000Z');
    expect((await book(await newStudent(), tutor.id, '2026-12-18T12:30:00.000Z')).status).toBe(201);
    const err = await confirmHeld(lapsed.id).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ status: 409, code: 'hold_expired' });
    expect((await repo.findById(lapsed.id))).toMatchObject({ status: 'cancelled', outcome: 'hold_expired' });
    await expect(confirmHeld(lapsed.id)).rejects.toMatchObject({ code: 'hold_expired' });
    // The reason billing switches on, with no words to parse.
    expect(await paying.confirmHeld(lapsed.id)).toEqual({ ok: false, reason: 'hold_expired', detail: { slotGone: true } });

    // Paid late, but the slot is still free: confirmed after all (held, or already swept as hold_expired), once.
    setNow('2026-11-30T01:20:00.000Z');
    const slow = (await bookHeld('2026-12-16T12:30:00.000Z', 'hold-0005')).booking;
    const swept = (await bookHeld('2026-12-16T13:30:00.000Z', 'hold-0006')).booking;
    setNow('2026-11-30T01:40:00.000Z');
    await paying.sweepHolds();
    expect(await repo.findById(swept.id)).toMatchObject({ status: 'cancelled', outcome: 'hold_expired' });
    expect(await confirmHeld(slow.id)).toMatchObject({ status: 'confirmed', confirmedAt: '2026-11-30T01:40:00.000Z', heldUntil: null });
    expect(await confirmHeld(swept.id)).toMatchObject({ status: 'confirmed', outcome: null, cancelledAt: null });
    expect(await confirmHeld(swept.id)).toMatchObject({ status: 'confirmed' });
    expect(t.logs()).toContain('"via":"late_payment"');

    // releaseHold gives a hold up at once.
    const released = await releaseHold((await bookHeld('2026-12-19T12:30:00.000Z', 'hold-0003')).booking.id);
    expect(released).toMatchObject({ status: 'cancelled', outcome: 'hold_expired' });

    // The periodic sweep (a job) cancels holds nobody came back for.
    setNow('2026-11-30T02:01:00.000Z');
    const forgotten = (await bookHeld('2026-12-20T12:30:00.000Z', 'hold-0004')).booking;
    setNow('2026-11-30T02:12:00.000Z');
    expect((await repo.findById(forgotten.id))!.status).toBe('held');
    const sweeps = () => db().database.db.select().from(schema.jobs).where(eq(schema.jobs.queue, 'scheduling.hold_sweep'));
    // Earlier tests moved the clock ahead (and the sweep chain with it), so queue this period's sweep as boot would.
    await scheduleHoldSweep(db().database.db, new Date('2026-11-30T02:05:00.000Z'));
    await t.app.jobs.drain();
    expect(await repo.findById(forgotten.id)).toMatchObject({ status: 'cancelled', outcome: 'hold_expired' });
    expect(t.logs()).toContain('"via":"sweep"');
    // It queued the next one.
    expect((await sweeps()).filter((j) => j.state === 'queued').map((j) => j.runAt.toISOString())).toContain('2026-11-30T02:15:00.000Z');
    setNow('2026-11-30T00:00:00.000Z');
  });
});
