import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, relaxedLogin, signUpStudent, signUpTutor, startTestApp, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { askQuestion, helpConfig, makeDataDir, makeStudent, makeTutor, notificationRows, removeDir, waitUntil } from '../../../test/help';
import { nextEvent, SocketPool, type TestSocket } from '../../../test/sockets';
import { schema } from '../../../test/schema';
import { LESSON_SWEEP_QUEUE } from './scheduling.lessons';

const MINUTE = 60_000;
/** A clock the test sets by hand: room opening, joins and the sweep all read it. */
class SetClock {
  constructor(private t: number) {}
  now = () => new Date(this.t);
  set(at: Date) {
    this.t = at.getTime();
  }
}
const plus = (d: Date, minutes: number) => new Date(d.getTime() + minutes * MINUTE);

type AnySocket = { timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<any> } };
const ask = (socket: TestSocket, event: string, payload: unknown) => (socket as unknown as AnySocket).timeout(5_000).emitWithAck(event, payload);

describeEachBackend('booked lessons in the live room', ({ db, backend }) => {
  let t: TestApp;
  let dataDir: string;
  // Minute-aligned, as the sweep runs once a minute.
  const clock = new SetClock(Date.parse('2026-12-07T09:00:00.000Z'));
  const sockets = new SocketPool();
  let keys = 0;

  const pair = async () => {
    const tutor = new Client(t.baseUrl);
    const student = new Client(t.baseUrl);
    const tu = await signUpTutor(tutor, { timeZone: 'Asia/Kolkata' });
    const st = await signUpStudent(student, { timeZone: 'America/New_York' });
    return { tutor: { client: tutor, id: tu.user.id }, student: { client: student, id: st.user.id } };
  };
  const insertBooking = async (p: { tutor: { id: string }; student: { id: string } }, startsAt: Date, minutes = 60, status: 'confirmed' | 'cancelled' = 'confirmed') => {
    const [row] = await db()
      .database.db.insert(schema.bookings)
      .values({ tutorId: p.tutor.id, studentId: p.student.id, startsAt, endsAt: plus(startsAt, minutes), status, idempotencyKey: `lesson-test-${++keys}`, createdAt: clock.now() })
      .returning();
    return row!;
  };
  const openRoom = (c: Client, bookingId: string) => c.post(`/api/bookings/${bookingId}/room`);
  /** Joins the room over Socket.IO and waits until the join is on the call timeline. */
  const join = async (c: Client, userId: string, sessionId: string) => {
    const { socket } = await sockets.connect(t.baseUrl, c.cookie);
    const ack = await ask(socket, 'room:join', { sessionId });
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
    const e = schema.callEvents;
    await waitUntil(async () => (await db().database.db.select().from(e).where(and(eq(e.sessionId, sessionId), eq(e.userId, userId), eq(e.type, 'joined')))).length > 0, 'the join event');
    return socket;
  };
  const sweepAt = async (at: Date) => {
    clock.set(at);
    await t.app.jobs.drain();
  };
  const bookingRow = async (id: string) => (await db().database.db.select().from(schema.bookings).where(eq(schema.bookings.id, id)))[0]!;
  const sessionRow = async (bookingId: string) => (await db().database.db.select().from(schema.tutoringSessions).where(eq(schema.tutoringSessions.bookingId, bookingId)))[0];
  const noticesOf = (userIds: string[]) =>
    db()
      .database.db.select({ userId: schema.userNotifications.userId, kind: schema.userNotifications.kind, data: schema.userNotifications.data })
      .from(schema.userNotifications)
      .where(inArray(schema.userNotifications.userId, userIds));
  const completedSessions = async (tutorId: string) =>
    (await db().database.db.select({ n: schema.tutorProfiles.completedSessions }).from(schema.tutorProfiles).where(eq(schema.tutorProfiles.userId, tutorId)))[0]?.n;
  const settledLogs = () =>
    t
      .logs()
      .split('\n')
      .filter((l) => l.includes('"lesson_settled"'))
      .map((l) => JSON.parse(l) as { bookingId: string; outcome: string; status: string });
  const sweepsDone = async () =>
    (await db().database.db.select({ n: sql<number>`count(*)::int` }).from(schema.jobs).where(and(eq(schema.jobs.queue, LESSON_SWEEP_QUEUE.queue), eq(schema.jobs.state, 'done'))))[0]!.n;

  beforeAll(async () => {
    dataDir = makeDataDir();
    t = await startTestApp(db().database, { ...helpConfig(dataDir), login: relaxedLogin }, clock, { manualJobs: true });
  });
  afterAll(async () => {
    sockets.closeAll();
    await t?.close();
    removeDir(dataDir);
  });

  it('opens the room from 10 minutes before the start, to both parties only, and shows the booking in the session', async () => {
    const p = await pair();
    const start = plus(clock.now(), 60);
    const b = await insertBooking(p, start);

    const early = await openRoom(p.student.client, b.id);
    expect(early.status).toBe(409);
    expect(early.json.error.code).toBe('too_early');
    expect(early.json.error.details).toEqual({ opensAt: plus(start, -10).toISOString() });
    // 09:50 UTC, read in the student's New York zone.
    expect(early.json.error.message).toBe('The lesson room opens at 2026-12-07 04:50 (UTC-05:00), 10 minutes before the start.');
    const view = await p.tutor.client.get(`/api/bookings/${b.id}/room`);
    expect(view.json).toMatchObject({ bookingId: b.id, status: 'confirmed', open: false, sessionId: null, roomOpensAt: plus(start, -10).toISOString(), roomClosesAt: plus(start, 75).toISOString() });
    expect(await db().database.db.select().from(schema.tutoringSessions).where(eq(schema.tutoringSessions.bookingId, b.id))).toEqual([]);

    // Others get the same 404 as a missing booking; admins have no room of their own to open.
    const outsiders = await pair();
    for (const c of [outsiders.student.client, outsiders.tutor.client]) {
      expect((await openRoom(c, b.id)).status).toBe(404);
      expect((await c.get(`/api/bookings/${b.id}/room`)).status).toBe(404);
    }
    expect((await openRoom(new Client(t.baseUrl), b.id)).status).toBe(401);

    clock.set(plus(start, -10));
    const byStudent = await openRoom(p.student.client, b.id);
    expect(byStudent.status, byStudent.text).toBe(200);
    const byTutor = await openRoom(p.tutor.client, b.id);
    expect(byTutor.json).toEqual({ sessionId: byStudent.json.sessionId });
    const sessionId = byStudent.json.sessionId as string;

    for (const party of [p.student, p.tutor]) {
      const s = await party.client.get(`/api/sessions/${sessionId}`);
      expect(s.status, s.text).toBe(200);
      expect(s.json).toMatchObject({ id: sessionId, kind: 'booking', status: 'active', questionId: null, student: { id: p.student.id }, tutor: { id: p.tutor.id } });
      expect(s.json.booking).toEqual({ id: b.id, start: start.toISOString(), end: plus(start, 60).toISOString() });
    }
    expect((await outsiders.student.client.get(`/api/sessions/${sessionId}`)).status).toBe(404);
    expect((await p.student.client.get(`/api/bookings/${b.id}/room`)).json).toMatchObject({ open: true, sessionId });
    // Both parties can enter the room itself.
    await join(p.student.client, p.student.id, sessionId);
    await join(p.tutor.client, p.tutor.id, sessionId);
    expect(t.logs()).toContain('"event":"session_opened"');

    // A cancelled booking's room never opens.
    const cancelled = await insertBooking(p, plus(start, 120), 60, 'cancelled');
    clock.set(plus(start, 115));
    const refused = await openRoom(p.student.client, cancelled.id);
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({ code: 'lesson_ended', message: 'This lesson was cancelled, so its room does not open.' });

    // Until the end plus 15 minutes of grace, then it has ended.
    clock.set(plus(start, 74));
    expect((await openRoom(p.tutor.client, b.id)).json).toEqual({ sessionId });
    clock.set(plus(start, 75));
    const over = await openRoom(p.tutor.client, b.id);
    expect(over.status).toBe(409);
    expect(over.json.error).toMatchObject({ code: 'lesson_ended', message: 'This lesson has ended.' });
    // The sweep settles it; this test is done with it.
    await sweepAt(plus(start, 75));
    expect((await bookingRow(b.id)).status).toBe('completed');
  });

  it(`gives both parties the same session when they open the room at the same moment (${backend})`, async () => {
    const p = await pair();
    const start = plus(clock.now(), 5);
    const b = await insertBooking(p, start);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => openRoom(i % 2 ? p.tutor.client : p.student.client, b.id)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(new Set(answers.map((a) => a.json.sessionId)).size).toBe(1);
    const rows = await db().database.db.select().from(schema.tutoringSessions).where(eq(schema.tutoringSessions.bookingId, b.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'booking', studentId: p.student.id, tutorId: p.tutor.id, status: 'active' });
    // Settle it (both absent) so it does not linger in later tests.
    await sweepAt(plus(start, 16));
    expect((await bookingRow(b.id)).outcome).toBe('both_no_show');
  });

  it("settles lessons from the room's events: completed at the end, no-shows at start + 15 minutes, once", async () => {
    const start = plus(new Date(Math.ceil(clock.now().getTime() / MINUTE) * MINUTE), 10);
    const both = await pair();
    const onlyStudent = await pair();
    const onlyTutor = await pair();
    const nobody = await pair();
    const bBoth = await insertBooking(both, start);
    const bOnlyStudent = await insertBooking(onlyStudent, start);
    const bOnlyTutor = await insertBooking(onlyTutor, start);
    const bNobody = await insertBooking(nobody, start);
    const everyone = [both, onlyStudent, onlyTutor, nobody].flatMap((p) => [p.tutor.id, p.student.id]);
    const logsBefore = settledLogs().length;

    clock.set(plus(start, -5));
    const sBoth = (await openRoom(both.tutor.client, bBoth.id)).json.sessionId as string;
    const sOnlyStudent = (await openRoom(onlyStudent.student.client, bOnlyStudent.id)).json.sessionId as string;
    const sOnlyTutor = (await openRoom(onlyTutor.tutor.client, bOnlyTutor.id)).json.sessionId as string;
    // The tutor arrives early, leaves, and comes back; the student is late but inside the window.
    const tutorSocket = await join(both.tutor.client, both.tutor.id, sBoth);
    clock.set(plus(start, 2));
    expect((await ask(tutorSocket, 'room:leave', { sessionId: sBoth })).ok).toBe(true);
    await join(onlyStudent.student.client, onlyStudent.student.id, sOnlyStudent);
    const waitingTutor = await join(onlyTutor.tutor.client, onlyTutor.tutor.id, sOnlyTutor);

    await sweepAt(plus(start, 14));
    for (const b of [bBoth, bOnlyStudent, bOnlyTutor, bNobody]) expect((await bookingRow(b.id)).status).toBe('confirmed');

    clock.set(plus(start, 15));
    await join(both.student.client, both.student.id, sBoth);
    await join(both.tutor.client, both.tutor.id, sBoth);
    const ended = nextEvent<{ sessionId: string; by: string }>(waitingTutor, 'room:ended');
    await sweepAt(plus(start, 15));
    expect(await bookingRow(bOnlyStudent.id)).toMatchObject({ status: 'no_show', outcome: 'tutor_no_show', settledAt: plus(start, 15) });
    expect(await bookingRow(bOnlyTutor.id)).toMatchObject({ status: 'no_show', outcome: 'student_no_show', settledAt: plus(start, 15) });
    expect(await bookingRow(bNobody.id)).toMatchObject({ status: 'no_show', outcome: 'both_no_show', settledAt: plus(start, 15) });
    expect(await bookingRow(bBoth.id)).toMatchObject({ status: 'confirmed', outcome: null, settledAt: null });
    expect(await sessionRow(bNobody.id)).toBeUndefined();
    expect((await sessionRow(bOnlyTutor.id))!.status).toBe('ended');
    expect(await ended).toMatchObject({ sessionId: sOnlyTutor, by: 'system' });
    expect((await sessionRow(bBoth.id))!.status).toBe('active');

    await sweepAt(plus(start, 59));
    expect((await bookingRow(bBoth.id)).status).toBe('confirmed');
    await sweepAt(plus(start, 60));
    expect(await bookingRow(bBoth.id)).toMatchObject({ status: 'completed', outcome: 'completed', settledAt: plus(start, 60) });
    expect((await sessionRow(bBoth.id))!).toMatchObject({ status: 'ended', endedAt: plus(start, 60) });
    expect(await completedSessions(both.tutor.id)).toBe(1);
    expect(await completedSessions(onlyStudent.tutor.id)).toBe(0);

    const notices = await noticesOf(everyone);
    const kindOf = (userId: string) => notices.filter((n) => n.userId === userId).map((n) => n.kind);
    for (const id of [both.tutor.id, both.student.id]) expect(kindOf(id)).toEqual(['lesson_completed']);
    for (const p of [onlyStudent, onlyTutor, nobody]) for (const id of [p.tutor.id, p.student.id]) expect(kindOf(id)).toEqual(['lesson_no_show']);
    expect(notices.find((n) => n.userId === onlyStudent.student.id)!.data).toEqual({ bookingId: bOnlyStudent.id, outcome: 'tutor_no_show' });

    const logs = settledLogs().slice(logsBefore);
    expect(logs.map((l) => [l.bookingId, l.outcome]).sort()).toEqual(
      [
        [bBoth.id, 'completed'],
        [bOnlyStudent.id, 'tutor_no_show'],
        [bOnlyTutor.id, 'student_no_show'],
        [bNobody.id, 'both_no_show'],
      ].sort(),
    );

    // Another sweep runs and changes nothing.
    const sweeps = await sweepsDone();
    await sweepAt(plus(start, 61));
    expect(await sweepsDone()).toBe(sweeps + 1);
    expect(await noticesOf(everyone)).toHaveLength(notices.length);
    expect(await completedSessions(both.tutor.id)).toBe(1);
    expect(settledLogs().slice(logsBefore)).toHaveLength(4);
    expect(await bookingRow(bBoth.id)).toMatchObject({ settledAt: plus(start, 60) });
  });

  it('does not offer instant questions to a tutor in a booked lesson room', async () => {
    const maths = [{ subjectId: 'maths', level: 'grade-9-10' }];
    const inLesson = await makeTutor(t, { subjects: maths, sockets });
    const free = await makeTutor(t, { subjects: maths, sockets });
    const learner = await makeStudent(t);
    const start = plus(clock.now(), 5);
    const b = await insertBooking({ tutor: inLesson, student: learner }, start);
    expect((await openRoom(inLesson.client, b.id)).status).toBe(200);

    const asker = await makeStudent(t);
    const q = await askQuestion(t, asker, 'maths', 'grade-9-10');
    await t.app.jobs.drain();
    const told = (await notificationRows(db().database, q.id)).map((r) => r.tutorId);
    expect(told).toContain(free.id);
    expect(told).not.toContain(inLesson.id);
  });
});
