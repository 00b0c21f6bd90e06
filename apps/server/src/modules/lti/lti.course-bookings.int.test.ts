import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PlatformSim } from '../../integrations/lms/simulator';
import { adminClient, Client, relaxedLogin, signUpStudent, signUpTutor, startTestApp, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { freePort } from '../../../test/net';
import { schema } from '../../../test/schema';
import { createIdentityRepo } from '../identity';
import { ltiCourseBookings, ltiCourseMembers } from './lti.schema';
import { offsetClock, runLaunch, simulatorOf } from './lti.testkit';
import { everyDay } from '../../../test/availability';

const HOUR = 3_600_000;

/** Every day 06:00–20:00 UTC, 30- and 60-minute lessons. */
const daytime = everyDay('UTC', '06:00', '20:00');

/**
 * Issue #16: a booking made from a course's "Book tutoring" item names its course in POST /api/bookings and is tagged
 * in the booking's own transaction; a learner who is not (or no longer) in that course gets 403 and nothing is booked.
 */
describeEachBackend('LTI: bookings tagged with their course atomically', ({ db }) => {
  let t: TestApp;
  let canvas: PlatformSim;
  let other: PlatformSim;
  const clock = offsetClock();
  let tutorId: string;
  let keys = 0;

  /** A launch from a course, as `person`: the learner's client and the course id it landed with. */
  const learner = async (platform: PlatformSim, person: string) => {
    const res = await runLaunch(t, platform, person);
    expect(res.status, res.body).toBe(302);
    const me = new Client(t.baseUrl);
    me.cookie = res.sessionCookie!;
    const id = (await me.get('/api/me')).json.id as string;
    const courseId = (await me.get('/api/lti/courses')).json.courses[0].id as string;
    return { client: me, id, courseId };
  };
  /** A start `days` ahead at `hour` UTC (inside the tutor's hours, past the notice). */
  const startAt = (days: number, hour: number) => {
    const d = new Date(clock.now().getTime() + days * 24 * HOUR);
    d.setUTCHours(hour, 0, 0, 0);
    return d.toISOString();
  };
  const book = (c: Client, start: string, extra: Record<string, unknown> = {}) =>
    c.post('/api/bookings', { tutorId, start, durationMinutes: 60, idempotencyKey: `course-book-${++keys}-${Date.now()}`, ...extra });
  const bookingsOf = (studentId: string) => db().database.db.select().from(schema.bookings).where(eq(schema.bookings.studentId, studentId));
  const tags = () => db().database.db.select().from(ltiCourseBookings);

  beforeAll(async () => {
    const port = await freePort();
    // Payments on (the fake provider): a priced lesson is held until paid, and the hold is what gets tagged.
    t = await startTestApp(
      db().database,
      { port, publicUrl: `http://127.0.0.1:${port}`, allowedOrigins: [`http://127.0.0.1:${port}`], login: relaxedLogin, lti: { simulator: true }, payments: { provider: 'fake', stripe: null, razorpay: null } },
      clock,
      { manualJobs: true },
    );
    const admin = (await adminClient(t)).client;
    canvas = await simulatorOf(t).add({ slug: 'cb', dialect: 'canvas', clientId: 'cb-canvas', deploymentId: 'cb-dep' });
    other = await simulatorOf(t).add({ slug: 'cb2', dialect: 'generic', clientId: 'cb-other', deploymentId: 'cb2-dep' });
    for (const p of [canvas, other]) expect((await admin.post('/api/admin/lti/registrations', p.registrationBody())).status).toBe(201);
    const tutor = new Client(t.baseUrl);
    tutorId = (await signUpTutor(tutor, { timeZone: 'UTC' })).user.id;
    expect((await tutor.put('/api/tutors/me/availability', daytime)).status).toBe(200);
    await db().database.db.update(schema.tutorProfiles).set({ hourlyRateMinor: 60_000, currency: 'INR' }).where(eq(schema.tutorProfiles.userId, tutorId));
    await createIdentityRepo(db().database.db).setApproval(tutorId, 'approved', tutorId, clock.now());
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a course member’s booking is tagged with the course in the booking’s own transaction; a retry tags nothing twice', async () => {
    const s = await learner(canvas, 'student-1');
    const res = await book(s.client, startAt(2, 10), { course: s.courseId });
    expect(res.status, res.text).toBe(201);
    expect(res.json).toMatchObject({ status: 'held', studentId: s.id });
    expect(await tags()).toEqual([expect.objectContaining({ bookingId: res.json.id, courseId: s.courseId, userId: s.id })]);
    expect(await t.app.fastify.lti!.courseBookings.bookingsOfCourse(s.courseId)).toEqual([res.json.id]);
    expect(t.logs()).toContain('"event":"lti_booking_tagged"');

    // The same attempt again (a dropped connection): the same booking, still one tag.
    const again = await s.client.post('/api/bookings', { tutorId, start: startAt(2, 12), durationMinutes: 60, idempotencyKey: 'course-book-retry', course: s.courseId });
    const repeat = await s.client.post('/api/bookings', { tutorId, start: startAt(2, 12), durationMinutes: 60, idempotencyKey: 'course-book-retry', course: s.courseId });
    expect([again.status, repeat.status]).toEqual([201, 200]);
    expect(repeat.json.id).toBe(again.json.id);
    expect((await tags()).filter((r) => r.bookingId === again.json.id)).toHaveLength(1);
  });

  it('a learner of another course, or of none, is refused with 403 and nothing is booked or tagged', async () => {
    const owner = await learner(canvas, 'student-2');
    const stranger = await learner(other, 'student-1');
    const plain = new Client(t.baseUrl);
    const plainId = (await signUpStudent(plain)).user.id;
    const before = (await tags()).length;

    for (const [c, id] of [
      [stranger.client, stranger.id],
      [plain, plainId],
    ] as const) {
      const res = await book(c, startAt(3, 10), { course: owner.courseId });
      expect(res.status, res.text).toBe(403);
      expect(res.json.error.message).toContain('not in that course');
      expect(await bookingsOf(id)).toEqual([]);
    }
    // An id that is no course at all: the same answer.
    const none = await book(stranger.client, startAt(3, 10), { course: '00000000-0000-4000-8000-000000000000' });
    expect(none.status).toBe(403);
    expect((await tags()).length).toBe(before);
    expect(t.logs()).toContain('"event":"booking_course_refused"');

    // The slot the refused attempts wanted is still free: the owner books it.
    const mine = await book(owner.client, startAt(3, 10), { course: owner.courseId });
    expect(mine.status, mine.text).toBe(201);
    // A course id that is not an id at all is a 400 before anything runs.
    expect((await book(owner.client, startAt(3, 14), { course: 'course-1' })).status).toBe(400);
  });

  it('a learner who left the course (the roster says so) can no longer book in it', async () => {
    const s = await learner(canvas, 'student-3');
    const m = ltiCourseMembers;
    await db().database.db.update(m).set({ leftAt: clock.now() }).where(eq(m.userId, s.id));
    const res = await book(s.client, startAt(4, 10), { course: s.courseId });
    expect(res.status, res.text).toBe(403);
    expect(await bookingsOf(s.id)).toEqual([]);
    // Without a course the same learner books as anyone would.
    expect((await book(s.client, startAt(4, 10))).status).toBe(201);
  });
});
