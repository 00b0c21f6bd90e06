import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminClient, Client, signUpStudent, signUpTutor, startTestApp, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { askQuestion, helpConfig, type HelpUser, makeDataDir, makeStudent, makeTutor, removeDir, waitUntil } from '../../../test/help';
import { nextEvent, SocketPool, type TestSocket } from '../../../test/sockets';
import { schema } from '../../../test/schema';
import { ABANDONED_SWEEP_QUEUE } from './rooms.sweep';

/** A clock the test sets by hand: sessions start, call events and the sweep all read it. */
class SetClock {
  constructor(private t: number) {}
  now = () => new Date(this.t);
  set(at: Date) {
    this.t = at.getTime();
  }
}
const MINUTE = 60_000;
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);

type AnySocket = { timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<any> } };
const ask = (socket: TestSocket, event: string, payload: unknown) => (socket as unknown as AnySocket).timeout(5_000).emitWithAck(event, payload);

/**
 * An instant-help room both people left without pressing End is ended by a sweep after a grace period (5 minutes by
 * default); while it is open its tutor gets no questions, and their home says so. Admins can end a stuck one by hand.
 */
describeEachBackend('rooms: abandoned instant-help sessions, and ending one by hand', ({ db }) => {
  let t: TestApp;
  let dataDir: string;
  const clock = new SetClock(Date.parse('2026-12-07T09:00:00.000Z'));
  const sockets = new SocketPool();
  const grace = 5 * MINUTE;

  beforeAll(async () => {
    dataDir = makeDataDir();
    // Jobs run only when the test drains them, at the test's clock.
    t = await startTestApp(db().database, helpConfig(dataDir, { expiryMinutes: 30 }), clock, { manualJobs: true });
  });
  afterAll(async () => {
    sockets.closeAll();
    await t?.close();
    removeDir(dataDir);
  });

  const sessionRow = async (id: string) => (await db().database.db.select().from(schema.tutoringSessions).where(eq(schema.tutoringSessions.id, id)))[0]!;
  const endedEvents = async (id: string) =>
    db().database.db.select().from(schema.callEvents).where(and(eq(schema.callEvents.sessionId, id), eq(schema.callEvents.type, 'ended')));

  /** A question asked now, offered (a wave) and accepted by the tutor: returns the session id. */
  async function claimedSession(tutor: HelpUser, subjectId: string, level: string) {
    const student = await makeStudent(t);
    const q = await askQuestion(t, student, subjectId, level);
    await t.app.jobs.drain();
    const accepted = await tutor.client.post(`/api/help/questions/${q.id}/accept`);
    expect(accepted.status, accepted.text).toBe(200);
    return { student, questionId: q.id as string, sessionId: accepted.json.sessionId as string };
  }

  it('ends a session nobody joined once the grace period has passed; the tutor is busy until then, and told at once', async () => {
    const maths = [{ subjectId: 'maths', level: 'grade-9-10' }];
    const tutor = await makeTutor(t, { subjects: maths, sockets });
    const start = clock.now();
    const { student, questionId, sessionId } = await claimedSession(tutor, 'maths', 'grade-9-10');
    const busy = await tutor.client.get('/api/help/availability');
    expect(busy.json).toEqual({ online: true, notifyWhenOffline: false, activeSession: { id: sessionId, kind: 'instant', startedAt: start.toISOString() } });
    await tutor.events!.until(() => tutor.events!.events.some((e) => e.event === 'help:availability' && e.payload.activeSession?.id === sessionId), 'the busy status');

    // Busy: a new question is not offered to this tutor.
    const waiting = await askQuestion(t, await makeStudent(t), 'maths', 'grade-9-10');
    await t.app.jobs.drain();
    expect((await tutor.client.get(`/api/help/questions/${waiting.id}`)).status).toBe(404);

    clock.set(plus(start, grace - 1000));
    expect(await t.app.abandonedSweep.sweep()).toEqual({ ended: 0 });
    expect((await sessionRow(sessionId)).status).toBe('active');

    clock.set(plus(start, grace));
    expect(await t.app.abandonedSweep.sweep()).toEqual({ ended: 1 });
    expect(await sessionRow(sessionId)).toMatchObject({ status: 'ended', endedAt: plus(start, grace) });
    expect(await endedEvents(sessionId)).toEqual([expect.objectContaining({ userId: null, data: { reason: 'abandoned' } })]);
    expect(t.logs()).toMatch(/"event":"session_ended_by_system"[^\n]*"reason":"abandoned"/);
    const timeline = (await student.client.get(`/api/help/questions/${questionId}`)).json.timeline;
    expect(timeline.at(-1)).toMatchObject({ type: 'session_ended', data: { sessionId } });

    // The tutor's home hears it live, and the tutor is offered questions again.
    await tutor.events!.until(() => tutor.events!.events.some((e) => e.event === 'help:availability' && e.payload.activeSession === null), 'the free status');
    expect((await tutor.client.get('/api/help/availability')).json.activeSession).toBeNull();
    clock.set(plus(start, grace + 20_000));
    await t.app.jobs.drain();
    await waitUntil(async () => (await tutor.client.get(`/api/help/questions/${waiting.id}`)).status === 200, 'the waiting question offered');
    // Running the sweep again changes nothing.
    expect(await t.app.abandonedSweep.sweep()).toEqual({ ended: 0 });
    expect(await endedEvents(sessionId)).toHaveLength(1);
  });

  it('leaves a session open while someone is in the room, and counts the grace period from when the last one left', async () => {
    const tutor = await makeTutor(t, { subjects: [{ subjectId: 'physics', level: 'grade-11-12' }], sockets });
    const { student, sessionId } = await claimedSession(tutor, 'physics', 'grade-11-12');
    const s = (await sockets.connect(t.baseUrl, student.client.cookie)).socket;
    expect((await ask(s, 'room:join', { sessionId })).ok).toBe(true);
    expect((await ask(tutor.socket!, 'room:join', { sessionId })).ok).toBe(true);

    // Both in the room, silent, for longer than the grace period: not abandoned.
    const joinedAt = clock.now();
    clock.set(plus(joinedAt, 30 * MINUTE));
    expect(await t.app.abandonedSweep.sweep()).toEqual({ ended: 0 });

    // The tutor leaves; the student is still there.
    expect((await ask(tutor.socket!, 'room:leave', { sessionId })).ok).toBe(true);
    clock.set(plus(joinedAt, 45 * MINUTE));
    expect(await t.app.abandonedSweep.sweep()).toEqual({ ended: 0 });

    // The student closes the tab (a disconnect, no End).
    const leftAt = clock.now();
    s.disconnect();
    await waitUntil(async () => (await db().database.db.select().from(schema.callEvents).where(and(eq(schema.callEvents.sessionId, sessionId), eq(schema.callEvents.userId, student.id), eq(schema.callEvents.type, 'left')))).length > 0, 'the student left');
    clock.set(plus(leftAt, grace - 1000));
    expect(await t.app.abandonedSweep.sweep()).toEqual({ ended: 0 });
    clock.set(plus(leftAt, grace));
    const told = nextEvent<{ activeSession: unknown }>(tutor.socket!, 'help:availability');
    expect(await t.app.abandonedSweep.sweep()).toEqual({ ended: 1 });
    expect((await sessionRow(sessionId)).status).toBe('ended');
    expect(await told).toMatchObject({ activeSession: null });
  });

  it('never ends a booked lesson’s session (its own sweep settles it at its end)', async () => {
    const student = await signUpStudent(new Client(t.baseUrl));
    const tutor = await signUpTutor(new Client(t.baseUrl));
    const [row] = await db()
      .database.db.insert(schema.tutoringSessions)
      .values({ kind: 'booking', studentId: student.user.id, tutorId: tutor.user.id, startedAt: plus(clock.now(), -60 * MINUTE) })
      .returning();
    expect(await t.app.abandonedSweep.sweep()).toEqual({ ended: 0 });
    expect((await sessionRow(row!.id)).status).toBe('active');
    await db().database.db.update(schema.tutoringSessions).set({ status: 'ended', endedAt: clock.now() }).where(eq(schema.tutoringSessions.id, row!.id));
    // The sweep is a periodic durable job.
    expect(await db().database.db.select().from(schema.jobs).where(eq(schema.jobs.queue, ABANDONED_SWEEP_QUEUE.queue))).not.toEqual([]);
  });

  it('lets an admin list open sessions and end a stuck one with a reason, recorded on its timeline and in the log', async () => {
    const tutor = await makeTutor(t, { subjects: [{ subjectId: 'english', level: 'grade-6-8' }], sockets });
    const { student, sessionId } = await claimedSession(tutor, 'english', 'grade-6-8');
    const { client: admin, user: adminUser } = await adminClient(t);

    const list = await admin.get('/api/admin/sessions');
    expect(list.status).toBe(200);
    expect(list.json.sessions).toContainEqual({
      id: sessionId,
      kind: 'instant',
      questionId: expect.any(String),
      student: { id: student.id, displayName: 'Test Student' },
      tutor: { id: tutor.id, displayName: 'Test Tutor' },
      startedAt: clock.now().toISOString(),
      lastActivityAt: null,
    });
    for (const who of [student.client, tutor.client] as Client[]) {
      expect((await who.get('/api/admin/sessions')).status).toBe(403);
      expect((await who.post(`/api/admin/sessions/${sessionId}/end`, { reason: 'not mine to end' })).status).toBe(403);
    }
    const noReason = await admin.post(`/api/admin/sessions/${sessionId}/end`, { reason: ' ' });
    expect(noReason.status).toBe(400);
    expect(noReason.json.error.details.fields).toEqual([{ path: 'body.reason', message: 'needs a few words saying why' }]);
    expect((await admin.post(`/api/admin/sessions/${crypto.randomUUID()}/end`, { reason: 'stuck since Monday' })).status).toBe(404);
    expect((await sessionRow(sessionId)).status).toBe('active');

    const ended = await admin.post(`/api/admin/sessions/${sessionId}/end`, { reason: 'Both left; the tutor asked us to close it' });
    expect(ended.status, ended.text).toBe(200);
    expect(ended.json).toMatchObject({ id: sessionId, status: 'ended', endedAt: clock.now().toISOString() });
    expect(await endedEvents(sessionId)).toEqual([expect.objectContaining({ userId: adminUser.id, data: { reason: 'Both left; the tutor asked us to close it' } })]);
    expect(t.logs()).toMatch(new RegExp(`"event":"session_ended_by_admin"[^\\n]*"reason":"Both left; the tutor asked us to close it"[^\\n]*"adminId":"${adminUser.id}"`));
    expect((await tutor.client.get('/api/help/availability')).json.activeSession).toBeNull();
    const again = await admin.post(`/api/admin/sessions/${sessionId}/end`, { reason: 'once more' });
    expect(again.status).toBe(409);
    expect(again.json.error.message).toBe('This session has already ended.');
    expect((await admin.get('/api/admin/sessions')).json.sessions.map((s: { id: string }) => s.id)).not.toContain(sessionId);
    // One audit row, written with the end (the refused attempts wrote none).
    const audit = await admin.get(`/api/admin/audit?objectType=session&objectId=${sessionId}`);
    expect(audit.json.entries).toEqual([
      expect.objectContaining({ action: 'session.end', actorId: adminUser.id, actorRole: 'admin', reason: 'Both left; the tutor asked us to close it', before: { status: 'active' }, after: { status: 'ended', endedAt: clock.now().toISOString() } }),
    ]);
  });
});
