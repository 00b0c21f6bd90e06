import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { movableClock } from '../../platform/clock';
import { staffClient, startTestApp, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { makeStudent, makeTutor } from '../../../test/help';
import { schema } from '../../../test/schema';

const { bookings, classes, classAttendance, tutoringSessions, callEvents } = schema;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The lessons-and-classes tile (#18): lessons and classes of every fate written as rows, the rollups rebuilt, and the
 * summary's figures and the list behind the tile checked against what was written. The clock stands at 15:00 UTC today,
 * so "today", "upcoming" and "yesterday" do not depend on when the test runs.
 */
describeEachBackend('ops: lessons and classes today, and the worst sessions', ({ db }) => {
  let t: TestApp;
  const clock = movableClock();
  const today = new Date(Math.floor(Date.now() / DAY) * DAY);
  const at = (hours: number) => new Date(today.getTime() + hours * HOUR);
  let tutorId = '';
  let tutor2Id = '';
  let studentId = '';

  beforeAll(async () => {
    clock.moveTo(at(15));
    t = await startTestApp(db().database, {}, clock);
    const tutor = await makeTutor(t, { subjects: [{ subjectId: 'maths', level: 'grade-9-10' }], online: false });
    const tutor2 = await makeTutor(t, { subjects: [{ subjectId: 'maths', level: 'grade-9-10' }], online: false });
    const student = await makeStudent(t);
    [tutorId, tutor2Id, studentId] = [tutor.id, tutor2.id, student.id];
    const dbx = t.app.database.db;
    const lesson = (startHour: number, values: Partial<typeof bookings.$inferInsert>) => ({
      tutorId, studentId, startsAt: at(startHour), endsAt: at(startHour + 1), idempotencyKey: randomUUID(), createdAt: at(-48), subjectId: 'maths', status: 'confirmed' as const, ...values,
    });
    await dbx.insert(bookings).values([
      lesson(9, { status: 'completed', outcome: 'completed', settledAt: at(10.3) }),
      lesson(10, { status: 'no_show', outcome: 'tutor_no_show', settledAt: at(11.3) }),
      lesson(11, { status: 'no_show', outcome: 'student_no_show', settledAt: at(12.3) }),
      lesson(12, { status: 'no_show', outcome: 'both_no_show', settledAt: at(13.3) }),
      lesson(17, { status: 'confirmed' }),
      lesson(18, { status: 'cancelled', outcome: 'late_cancellation', cancelledAt: at(14), cancelledBy: studentId }),
      lesson(19, { status: 'held', heldUntil: at(15.2) }),
      lesson(-15, { status: 'completed', outcome: 'completed', settledAt: at(-13.7) }),
    ]);
    const klass = (startHour: number, values: Partial<typeof classes.$inferInsert>) => ({
      tutorId: tutor2Id, subjectId: 'maths', level: 'grade-9-10', title: `Class at ${startHour}:00`, description: 'Practice', language: 'en', startsAt: at(startHour), endsAt: at(startHour + 1),
      timeZone: 'UTC', capacity: 10, enrolledCount: 1, priceMinor: 10_000, currency: 'INR', status: 'scheduled' as const, createdAt: at(-48), ...values,
    });
    const [c1, c2] = await dbx
      .insert(classes)
      .values([
        klass(8, { status: 'completed', settledAt: at(9.5), tutorJoinedAt: at(8) }),
        klass(13, { status: 'completed', settledAt: at(14.5), tutorJoinedAt: at(13) }),
        klass(11, { status: 'tutor_no_show', settledAt: at(12.5) }),
        klass(20, {}),
        klass(21, { status: 'cancelled', cancelledAt: at(12) }),
      ])
      .returning({ id: classes.id });
    await dbx.insert(classAttendance).values([
      { classId: c1!.id, userId: tutor2Id, kind: 'join', at: at(8) },
      { classId: c1!.id, userId: studentId, kind: 'join', at: at(8.1) },
      { classId: c1!.id, userId: studentId, kind: 'join', at: at(8.5) },
      { classId: c2!.id, userId: tutor2Id, kind: 'join', at: at(13) },
    ]);
    await t.app.fastify.ops.rollups.rebuild(at(-24), at(15.5));
  }, 120_000);
  afterAll(async () => t?.close());

  it('counts today’s lessons and classes, the upcoming ones, and today’s outcomes from the rollups; the week by day', async () => {
    const ops = await staffClient(t, ['ops']);
    const res = await ops.client.get('/api/ops/summary');
    expect(res.status, res.text).toBe(200);
    expect(res.json.schedule.lessons).toEqual({ today: 5, upcoming: 1, completed: 1, tutorNoShows: 1, studentNoShows: 1, nobodyCame: 1, lateCancellations: 1 });
    expect(res.json.schedule.classes).toEqual({ today: 4, upcoming: 1, completed: 2, tutorNoShows: 1, nobodyCame: 1, cancelled: 1 });
    const days = res.json.schedule.days as { day: string; completed: number; noShows: number; nobodyCame: number; lateCancellations: number }[];
    expect(days.map((d) => d.day)).toHaveLength(7);
    expect(days.at(-1)).toEqual({ day: today.toISOString().slice(0, 10), completed: 3, noShows: 3, nobodyCame: 2, lateCancellations: 1 });
    expect(days.at(-2)).toEqual({ day: new Date(today.getTime() - DAY).toISOString().slice(0, 10), completed: 1, noShows: 0, nobodyCame: 0, lateCancellations: 0 });
  });

  it('lists the day’s lessons (not holds) and classes behind the tile, with names and attendance; any day by ?day=', async () => {
    const ops = await staffClient(t, ['ops']);
    const res = await ops.client.get('/api/ops/schedule');
    expect(res.status, res.text).toBe(200);
    const body = res.json as { day: string; truncated: boolean; lessons: { startsAt: string; status: string; outcome: string | null; tutor: { id: string; displayName: string }; student: { id: string } }[]; classes: { title: string; status: string; enrolled: number; attended: number }[] };
    expect(body.day).toBe(today.toISOString().slice(0, 10));
    expect(body.truncated).toBe(false);
    expect(body.lessons.map((l) => [new Date(l.startsAt).getUTCHours(), l.status, l.outcome])).toEqual([
      [9, 'completed', 'completed'],
      [10, 'no_show', 'tutor_no_show'],
      [11, 'no_show', 'student_no_show'],
      [12, 'no_show', 'both_no_show'],
      [17, 'confirmed', null],
      [18, 'cancelled', 'late_cancellation'],
    ]);
    expect(body.lessons[0]!.tutor.id).toBe(tutorId);
    expect(body.lessons[0]!.tutor.displayName).not.toBe('Unknown account');
    expect(body.lessons[0]!.student.id).toBe(studentId);
    expect(body.classes.map((c) => [c.title, c.status, c.attended])).toEqual([
      ['Class at 8:00', 'completed', 1],
      ['Class at 11:00', 'tutor_no_show', 0],
      ['Class at 13:00', 'completed', 0],
      ['Class at 20:00', 'scheduled', 0],
      ['Class at 21:00', 'cancelled', 0],
    ]);
    const yesterday = await ops.client.get(`/api/ops/schedule?day=${new Date(today.getTime() - DAY).toISOString().slice(0, 10)}`);
    expect(yesterday.json.lessons).toHaveLength(1);
    expect(yesterday.json.classes).toHaveLength(0);
  });

  it('lists today’s sessions with the most call trouble, worst first (a failure weighs three reconnects), each once', async () => {
    const dbx = t.app.database.db;
    const session = async (startHour: number) =>
      (await dbx.insert(tutoringSessions).values({ kind: 'instant', status: 'ended', studentId, tutorId, startedAt: at(startHour), endedAt: at(startHour + 0.5) }).returning({ id: tutoringSessions.id }))[0]!.id;
    const [calm, flaky, broken, lastNight] = [await session(1), await session(2), await session(3), await session(-2)];
    const trouble = (sessionId: string, type: 'reconnecting' | 'media-failed', hour: number) => ({ sessionId, userId: studentId, type, at: at(hour), data: {} });
    await dbx.insert(callEvents).values([
      { sessionId: calm, userId: studentId, type: 'media-connected', at: at(1.1), data: { localCandidateType: 'host' } },
      trouble(flaky, 'reconnecting', 2.1),
      trouble(flaky, 'reconnecting', 2.2),
      trouble(flaky, 'reconnecting', 2.3),
      trouble(flaky, 'reconnecting', 2.4),
      trouble(broken, 'media-failed', 3.1),
      trouble(broken, 'media-failed', 3.2),
      ...Array.from({ length: 9 }, (_, i) => trouble(lastNight, 'reconnecting', -1.9 + i * 0.01)),
    ]);
    const ops = await staffClient(t, ['ops']);
    const res = await ops.client.get('/api/ops/summary');
    expect(res.status, res.text).toBe(200);
    expect(res.json.calls.worst).toEqual([
      { sessionId: broken, kind: 'instant', startedAt: at(3).toISOString(), failed: 2, reconnects: 0 },
      { sessionId: flaky, kind: 'instant', startedAt: at(2).toISOString(), failed: 0, reconnects: 4 },
    ]);
  });

  it('refuses a bad day with a clear error, and anyone but ops and admins', async () => {
    const ops = await staffClient(t, ['ops']);
    for (const bad of ['2026-13-45', 'yesterday', '2026-12-07&x=1']) {
      const res = await ops.client.get(`/api/ops/schedule?day=${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.text).not.toMatch(/\bat \S+:\d+:\d+/);
    }
    expect((await (await staffClient(t, ['support'])).client.get('/api/ops/schedule')).status).toBe(403);
    expect((await (await staffClient(t, ['finance'])).client.get('/api/ops/schedule')).status).toBe(403);
    expect((await (await makeStudent(t)).client.get('/api/ops/schedule')).status).toBe(403);
    expect((await (await staffClient(t, ['admin'])).client.get('/api/ops/schedule')).status).toBe(200);
  });
});
