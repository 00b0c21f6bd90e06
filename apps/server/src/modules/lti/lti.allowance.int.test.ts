import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { nrpsOf } from '../../integrations/lms/simulator.nrps';
import { adminClient, Client, relaxedLogin, signUpTutor, startTestApp, type TestApp } from '../../../test/app';
import { everyDay } from '../../../test/availability';
import { describeEachBackend } from '../../../test/db';
import { freePort } from '../../../test/net';
import { schema } from '../../../test/schema';
import { createIdentityRepo } from '../identity';
import { ltiCourseBookings } from './lti.schema';
import { launchCourse, offsetClock } from './lti.testkit';


/**
 * Issue #16, decision 068: a course's school-paid tutoring. Course staff give the course N lessons (or minutes) per
 * learner per month; a booking tagged with the course by an active learner draws on it instead of being held for
 * payment, until it is used up; concurrent bookings never overdraw it; a cancellation gives it back (not a learner's
 * late one, which the school pays for); a learner the
 * roster shows as gone loses it at once; a weekly series from the course link is tagged and drawn week by week.
 */
describeEachBackend('LTI: course allowances (school-paid tutoring)', ({ db }) => {
  let t: TestApp;
  let admin: Client;
  const clock = offsetClock();
  let tutorId: string;
  let tutor: Client;
  let keys = 0;
  let platforms = 0;

  /** A fresh course on its own simulated platform: its teacher and learners as clients, and the course id. */
  const course = () => launchCourse(t, admin, `al${++platforms}`);
  /** A start `days` after the first of the month at `hour` UTC: inside the tutor's hours and this month. */
  const startAt = (days: number, hour: number) => {
    const d = new Date(clock.now().getTime());
    d.setUTCDate(1 + days);
    d.setUTCHours(hour, 0, 0, 0);
    return d.toISOString();
  };
  const book = (c: Client, start: string, extra: Record<string, unknown> = {}) =>
    c.post('/api/bookings', { tutorId, start, durationMinutes: 60, idempotencyKey: `allowance-${++keys}-${Date.now()}`, ...extra });
  const tagOf = async (bookingId: string) => (await db().database.db.select().from(ltiCourseBookings).where(eq(ltiCourseBookings.bookingId, bookingId)))[0];
  const setAllowance = (c: Client, courseId: string, body: Record<string, unknown>) => c.put(`/api/lti/courses/${courseId}/allowance`, body);

  beforeAll(async () => {
    // The first of next month, 02:00 UTC: every lesson below (days 1-20) falls in the month the report shows.
    const next = new Date();
    next.setUTCMonth(next.getUTCMonth() + 1, 1);
    next.setUTCHours(2, 0, 0, 0);
    clock.advance(next.getTime() - Date.now());
    const port = await freePort();
    // Payments on (the fake provider): a priced lesson is held until paid unless the course pays for it.
    t = await startTestApp(
      db().database,
      { port, publicUrl: `http://127.0.0.1:${port}`, allowedOrigins: [`http://127.0.0.1:${port}`], login: relaxedLogin, lti: { simulator: true }, payments: { provider: 'fake', stripe: null, razorpay: null } },
      clock,
      { manualJobs: true },
    );
    admin = (await adminClient(t)).client;
    tutor = new Client(t.baseUrl);
    tutorId = (await signUpTutor(tutor, { timeZone: 'UTC' })).user.id;
    expect((await tutor.put('/api/tutors/me/availability', everyDay('UTC', '06:00', '20:00'))).status).toBe(200);
    await db().database.db.update(schema.tutorProfiles).set({ hourlyRateMinor: 60_000, currency: 'INR' }).where(eq(schema.tutorProfiles.userId, tutorId));
    await createIdentityRepo(db().database.db).setApproval(tutorId, 'approved', tutorId, clock.now());
  });
  afterAll(async () => {
    await t?.close();
  });

  it('course staff and admins set the allowance; learners, other courses’ staff and bad values are refused and change nothing', async () => {
    const c = await course();
    const other = await course();
    const learner = await c.as('student-1');
    expect((await c.teacher.get(`/api/lti/courses/${c.courseId}/allowance`)).json).toMatchObject({ allowance: null, usedThisMonth: 0 });

    const set = await setAllowance(c.teacher, c.courseId, { unit: 'lessons', perLearnerMonthly: 4 });
    expect(set.status, set.text).toBe(200);
    expect(set.json.allowance).toMatchObject({ unit: 'lessons', perLearnerMonthly: 4 });
    expect(t.logs()).toContain('"event":"lti_allowance_set"');

    expect((await setAllowance(learner.client, c.courseId, { unit: 'lessons', perLearnerMonthly: 99 })).status).toBe(403);
    expect((await setAllowance(other.teacher, c.courseId, { unit: 'lessons', perLearnerMonthly: 99 })).status).toBe(404);
    expect((await other.teacher.get(`/api/lti/courses/${c.courseId}/allowance`)).status).toBe(404);
    const negative = await setAllowance(c.teacher, c.courseId, { unit: 'lessons', perLearnerMonthly: -1 });
    expect(negative.status).toBe(400);
    const absurd = await setAllowance(c.teacher, c.courseId, { unit: 'lessons', perLearnerMonthly: 1000 });
    expect(absurd.status).toBe(400);
    expect(absurd.json.error.message).toContain('at most 100 lessons');
    expect((await setAllowance(c.teacher, c.courseId, { unit: 'hours', perLearnerMonthly: 2 })).status).toBe(400);
    expect((await c.teacher.get(`/api/lti/courses/${c.courseId}/allowance`)).json.allowance).toMatchObject({ unit: 'lessons', perLearnerMonthly: 4 });

    const byAdmin = await setAllowance(admin, c.courseId, { unit: 'minutes', perLearnerMonthly: 120 });
    expect(byAdmin.json.allowance).toMatchObject({ unit: 'minutes', perLearnerMonthly: 120 });
    expect((await setAllowance(admin, '00000000-0000-4000-8000-000000000000', { unit: 'lessons', perLearnerMonthly: 1 })).status).toBe(404);
  });

  it('draws on the allowance instead of a payment until it is used up; the next lesson is held for payment; staff see what was used', async () => {
    const c = await course();
    const asha = await c.as('student-1');
    const ben = await c.as('student-2');
    // Without an allowance the learner pays as today: held, tagged, nothing drawn.
    const before = await book(asha.client, startAt(2, 7), { course: c.courseId });
    expect(before.json.status).toBe('held');
    expect(await tagOf(before.json.id)).toMatchObject({ courseId: c.courseId, allowanceUsed: 0 });

    await setAllowance(c.teacher, c.courseId, { unit: 'lessons', perLearnerMonthly: 2 });
    const first = await book(asha.client, startAt(2, 9), { course: c.courseId });
    const second = await book(asha.client, startAt(2, 11), { course: c.courseId });
    const third = await book(asha.client, startAt(2, 13), { course: c.courseId });
    expect([first.status, second.status, third.status]).toEqual([201, 201, 201]);
    expect([first.json.status, second.json.status, third.json.status]).toEqual(['confirmed', 'confirmed', 'held']);
    expect(await tagOf(first.json.id)).toMatchObject({ allowanceUnit: 'lessons', allowanceUsed: 1, allowanceMonth: startAt(2, 9).slice(0, 7) });
    expect(await tagOf(third.json.id)).toMatchObject({ allowanceUsed: 0 });
    expect(t.logs()).toContain('"event":"lti_allowance_drawn"');
    expect(t.logs()).toContain('"event":"lti_allowance_not_drawn"');
    // The same lesson without the course is not the school's: held for payment.
    expect((await book(asha.client, startAt(2, 15))).json.status).toBe('held');
    // Each learner has their own allowance.
    expect((await book(ben.client, startAt(3, 9), { course: c.courseId })).json.status).toBe('confirmed');

    const report = await c.teacher.get(`/api/lti/courses/${c.courseId}/usage`);
    expect(report.status, report.text).toBe(200);
    expect(report.json.allowance).toMatchObject({ allowance: { unit: 'lessons', perLearnerMonthly: 2 }, usedThisMonth: 3 });
    const used = Object.fromEntries(report.json.learners.map((l: { name: string; allowanceUsed: number }) => [l.name, l.allowanceUsed]));
    expect(used).toMatchObject({ 'Asha Learner': 2, 'Ben Learner': 1 });

    // Minutes: 90 a month pays one 60-minute lesson, then a 30-minute one, never part of a lesson.
    await setAllowance(c.teacher, c.courseId, { unit: 'minutes', perLearnerMonthly: 90 });
    expect((await book(ben.client, startAt(4, 9), { course: c.courseId })).json.status).toBe('confirmed');
    expect((await book(ben.client, startAt(4, 11), { course: c.courseId })).json.status).toBe('held');
    expect((await book(ben.client, startAt(4, 13), { course: c.courseId, durationMinutes: 30 })).json.status).toBe('confirmed');
  });

  it('a cancellation gives the allowance back (once), and a moved lesson keeps its tag and its draw', async () => {
    const c = await course();
    const asha = await c.as('student-1');
    await setAllowance(c.teacher, c.courseId, { unit: 'lessons', perLearnerMonthly: 1 });
    const paid = await book(asha.client, startAt(5, 9), { course: c.courseId });
    expect(paid.json.status).toBe('confirmed');
    expect((await book(asha.client, startAt(5, 11), { course: c.courseId })).json.status).toBe('held');

    const moved = await asha.client.post(`/api/bookings/${paid.json.id}/reschedule`, { start: startAt(5, 15), idempotencyKey: `move-${Date.now()}` });
    expect(moved.status, moved.text).toBe(201);
    expect(await tagOf(paid.json.id)).toBeUndefined();
    expect(await tagOf(moved.json.id)).toMatchObject({ courseId: c.courseId, allowanceUsed: 1 });
    expect((await book(asha.client, startAt(5, 17), { course: c.courseId })).json.status).toBe('held');

    expect((await asha.client.post(`/api/bookings/${moved.json.id}/cancel`)).status).toBe(200);
    expect(await tagOf(moved.json.id)).toMatchObject({ allowanceReturnedAt: expect.any(Date) });
    expect(t.logs()).toContain('"event":"lti_allowance_returned"');
    // Cancelling again changes nothing; the allowance pays the next lesson.
    expect((await asha.client.post(`/api/bookings/${moved.json.id}/cancel`)).status).toBe(200);
    expect((await book(asha.client, startAt(6, 9), { course: c.courseId })).json.status).toBe('confirmed');
    expect((await book(asha.client, startAt(6, 11), { course: c.courseId })).json.status).toBe('held');
  });

  it("a learner's late cancellation keeps the allowance used (the school is billed for it); a tutor's late cancellation gives it back (decision 076)", async () => {
    const c = await course();
    const asha = await c.as('student-1');
    const ben = await c.as('student-2');
    await setAllowance(c.teacher, c.courseId, { unit: 'lessons', perLearnerMonthly: 1 });
    // 12 hours ahead: inside the tutor's 24-hour free-cancellation window.
    const late = await book(asha.client, startAt(0, 14), { course: c.courseId });
    expect(late.json.status, late.text).toBe('confirmed');
    expect((await asha.client.post(`/api/bookings/${late.json.id}/cancel`)).status).toBe(200);
    expect((await db().database.db.select({ outcome: schema.bookings.outcome }).from(schema.bookings).where(eq(schema.bookings.id, late.json.id)))[0]?.outcome).toBe('late_cancellation');
    // The school pays for the lesson (the tutor's earning against the course's receivable), so the learner's month keeps the draw.
    const earning = await db().database.db.select().from(schema.ledgerTransactions).where(eq(schema.ledgerTransactions.idempotencyKey, `earning:lesson:${late.json.id}`));
    expect(earning).toHaveLength(1);
    expect(await tagOf(late.json.id)).toMatchObject({ allowanceUsed: 1, allowanceReturnedAt: null });
    expect(t.logs()).toContain('"event":"lti_allowance_kept"');
    expect((await book(asha.client, startAt(0, 18), { course: c.courseId })).json.status).toBe('held');
    const report = await c.teacher.get(`/api/lti/courses/${c.courseId}/usage`);
    expect(report.json.learners.find((l: { name: string }) => l.name === 'Asha Learner')).toMatchObject({ allowanceUsed: 1 });

    // The tutor cancels late: nothing is billed, and the draw comes back.
    const byTutor = await book(ben.client, startAt(0, 16), { course: c.courseId });
    expect(byTutor.json.status).toBe('confirmed');
    expect((await tutor.post(`/api/bookings/${byTutor.json.id}/cancel`)).status).toBe(200);
    expect(await tagOf(byTutor.json.id)).toMatchObject({ allowanceReturnedAt: expect.any(Date) });
    expect(await db().database.db.select().from(schema.ledgerTransactions).where(eq(schema.ledgerTransactions.idempotencyKey, `earning:lesson:${byTutor.json.id}`))).toHaveLength(0);
    expect((await book(ben.client, startAt(0, 19), { course: c.courseId })).json.status).toBe('confirmed');
  });

  it('concurrent bookings by one learner never overdraw the allowance', async () => {
    const c = await course();
    const asha = await c.as('student-1');
    await setAllowance(c.teacher, c.courseId, { unit: 'lessons', perLearnerMonthly: 3 });
    const starts = Array.from({ length: 8 }, (_, i) => startAt(7 + Math.floor(i / 4), 8 + 2 * (i % 4)));
    const results = await Promise.all(starts.map((s) => book(asha.client, s, { course: c.courseId })));
    expect(results.map((r) => r.status)).toEqual(starts.map(() => 201));
    expect(results.filter((r) => r.json.status === 'confirmed')).toHaveLength(3);
    expect(results.filter((r) => r.json.status === 'held')).toHaveLength(5);
    const tags = await Promise.all(results.map((r) => tagOf(r.json.id)));
    expect(tags.reduce((sum, tag) => sum + (tag?.allowanceUsed ?? 0), 0)).toBe(3);
  });

  it('a learner the roster shows as gone loses the allowance at once: a booking in the course is refused, and one outside it pays', async () => {
    const c = await course();
    const chen = await c.as('student-3');
    await setAllowance(c.teacher, c.courseId, { unit: 'lessons', perLearnerMonthly: 5 });
    expect((await book(chen.client, startAt(10, 9), { course: c.courseId })).json.status).toBe('confirmed');

    nrpsOf(c.p).inactive.add('student-3');
    expect((await t.app.fastify.lti!.nrps.roster.syncRoster(c.courseId, { force: true })).ok).toBe(true);
    const refused = await book(chen.client, startAt(10, 11), { course: c.courseId });
    expect(refused.status, refused.text).toBe(403);
    const plain = await book(chen.client, startAt(10, 11));
    expect(plain.json.status).toBe('held');
    // Back on the roster: the course pays again.
    nrpsOf(c.p).inactive.delete('student-3');
    expect((await t.app.fastify.lti!.nrps.roster.syncRoster(c.courseId, { force: true })).ok).toBe(true);
    expect((await book(chen.client, startAt(10, 13), { course: c.courseId })).json.status).toBe('confirmed');
  });

  it('a weekly series booked from the course link is tagged week by week, and the allowance pays the weeks it covers', async () => {
    const c = await course();
    const ben = await c.as('student-2');
    await setAllowance(c.teacher, c.courseId, { unit: 'lessons', perLearnerMonthly: 2 });
    const res = await ben.client.post('/api/bookings/series', { tutorId, start: startAt(1, 18), durationMinutes: 60, weeks: 3, idempotencyKey: `series-${Date.now()}`, course: c.courseId });
    expect(res.status, res.text).toBe(200);
    const weeks = res.json.booked as { id: string; status: string }[];
    expect(weeks.map((w) => w.status)).toEqual(['confirmed', 'confirmed', 'held']);
    const tags = await Promise.all(weeks.map((w) => tagOf(w.id)));
    expect(tags.map((tag) => [tag?.courseId, tag?.allowanceUsed])).toEqual([
      [c.courseId, 1],
      [c.courseId, 1],
      [c.courseId, 0],
    ]);
    // A stranger's series in the course is refused, nothing booked.
    const stranger = await (await course()).as('student-1');
    const refused = await stranger.client.post('/api/bookings/series', { tutorId, start: startAt(1, 19), durationMinutes: 60, weeks: 2, idempotencyKey: `series-x-${Date.now()}`, course: c.courseId });
    expect(refused.status).toBe(403);
  });
});
