import type { ClassJoined, LobbyEntry } from '@tutorline/contracts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminClient, type Client, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { SocketPool, type TestSocket } from '../../../test/sockets';
import { classBody, classTutor, learners, plus, SetClock, startClassesApp } from '../classes/classes.test-support';
import { CLASSROOM_MEDIA, type ClassroomMediaPort } from './classroom.ports';
import { ask, control, joinClass, record, until } from './classroom.testkit';

/**
 * The live classroom with the real classes module behind CLASS_ACCESS (classroom.live.int.test.ts drives the room from
 * a stand-in table): who gets in, as what and when is decided by the classes module's enrolments, times and status, and
 * the joins and leaves the room reports come back on the tutor's attendance list. Only the media server is a recorder.
 */
const joined = (r: Awaited<ReturnType<typeof joinClass>>): Extract<ClassJoined, { status: 'joined' }> => {
  if (!r.ok || r.status !== 'joined') throw new Error(`not joined: ${JSON.stringify(r)}`);
  return r;
};
const codeOf = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code);

describeEachBackend('the classroom with the real classes module', ({ db }) => {
  let t: TestApp;
  // Monday 7 December 2026; every class below is later that week.
  const clock = new SetClock(Date.parse('2026-12-07T09:00:00.000Z'));
  const sockets = new SocketPool();
  const mediaCalls: { call: string; classId: string; userId?: string }[] = [];
  type Person = { client: Client; id: string };
  let tutor: Person;
  let enrolledA: Person;
  let enrolledB: Person;
  let outsider: Person;
  let admin: Person;
  const connect = async (p: Person): Promise<TestSocket> => (await sockets.connect(t.baseUrl, p.client.cookie)).socket;
  const create = async (over: Record<string, unknown>) => {
    const made = await tutor.client.post('/api/classes', classBody(over));
    expect(made.status, made.text).toBe(201);
    return made.json.classes[0] as { id: string; start: string; end: string };
  };
  const enrol = async (p: Person, classId: string) => {
    const r = await p.client.post(`/api/classes/${classId}/enrol`);
    expect(r.status, r.text).toBe(200);
    expect(r.json.status).toBe('enrolled');
  };

  beforeAll(async () => {
    t = await startClassesApp(db().database, clock);
    const media: ClassroomMediaPort = {
      apply: async (classId, userId) => void mediaCalls.push({ call: 'apply', classId, userId }),
      remove: async (classId, userId) => void mediaCalls.push({ call: 'remove', classId, userId }),
      end: async (classId) => void mediaCalls.push({ call: 'end', classId }),
      record: async () => ({ ok: false, reason: 'recording_unavailable' }),
    };
    t.app.fastify.platform.ports.replaceForTest(CLASSROOM_MEDIA, media);
    tutor = await classTutor(t, 'Asia/Kolkata');
    [enrolledA, enrolledB, outsider] = (await learners(t, 3)) as [Person, Person, Person];
    const a = await adminClient(t);
    admin = { client: a.client, id: a.user.id };
  });
  afterAll(async () => {
    sockets.closeAll();
    await t?.close();
  });

  it('opens 10 minutes before the start to the tutor, enrolled learners and admins, records attendance, and closes after the grace', async () => {
    // 18:30 in Kolkata is 13:00Z; the room opens at 12:50Z and closes 15 minutes after the 14:00Z end.
    const c = await create({ title: 'Free algebra', date: '2026-12-10', time: '18:30', durationMinutes: 60 });
    const start = new Date(c.start);
    const end = new Date(c.end);
    await enrol(enrolledA, c.id);
    await enrol(enrolledB, c.id);
    const [ts, as, bs, xs, ads] = await Promise.all([tutor, enrolledA, enrolledB, outsider, admin].map(connect)) as [TestSocket, TestSocket, TestSocket, TestSocket, TestSocket];

    clock.set(plus(start, -11));
    expect(await joinClass(ts, c.id)).toEqual({ ok: false, error: { code: 'not_open_yet', message: expect.any(String) } });
    expect(codeOf(await joinClass(as, c.id))).toBe('not_open_yet');

    clock.set(plus(start, -5));
    expect(joined(await joinClass(ts, c.id)).self.role).toBe('teacher');
    expect(joined(await joinClass(as, c.id)).self.role).toBe('learner');
    const bj = joined(await joinClass(bs, c.id));
    expect(bj.self.role).toBe('learner');
    expect(bj.participants.find((p) => p.userId === enrolledB.id)).toMatchObject({ role: 'learner', present: true, audioMuted: true });
    expect(await joinClass(xs, c.id)).toEqual({ ok: false, error: { code: 'not_enrolled', message: 'You are not enrolled in this class.' } });
    expect(joined(await joinClass(ads, c.id)).self.role).toBe('observer');
    // Learners reach the media server muted; the recorder stands in for Janus.
    for (const l of [enrolledA, enrolledB]) expect(mediaCalls).toContainEqual({ call: 'apply', classId: c.id, userId: l.id });

    // The attendance list is the tutor's once the class has started.
    expect((await tutor.client.get(`/api/classes/${c.id}/attendance`)).status).toBe(409);
    clock.set(plus(start, 20));
    expect(await ask(as, 'class:leave', { classId: c.id })).toEqual({ ok: true });
    clock.set(plus(start, 30));
    bs.disconnect();
    await until(() => t.logs().split('\n').some((l) => l.includes('"event":"class_attendance"') && l.includes(enrolledB.id) && l.includes('"kind":"leave"')), 'the server to record B leaving');
    clock.set(plus(start, 40));
    const att = await tutor.client.get(`/api/classes/${c.id}/attendance`);
    expect(att.status, att.text).toBe(200);
    const byId = new Map((att.json.learners as { userId: string; intervals: unknown[] }[]).map((l) => [l.userId, l]));
    expect([...byId.keys()].sort()).toEqual([enrolledA.id, enrolledB.id].sort());
    // Minutes present count the class's time only: the five minutes in the room before the start do not.
    expect(byId.get(enrolledA.id)).toMatchObject({ intervals: [{ joinedAt: plus(start, -5).toISOString(), leftAt: plus(start, 20).toISOString() }], minutesPresent: 20 });
    expect(byId.get(enrolledB.id)).toMatchObject({ intervals: [{ joinedAt: plus(start, -5).toISOString(), leftAt: plus(start, 30).toISOString() }], minutesPresent: 30 });
    // Not the tutor's list to anyone else, and the admin's visit was no learner's attendance.
    expect((await enrolledA.client.get(`/api/classes/${c.id}/attendance`)).status).toBe(403);
    expect(t.logs()).toContain('"event":"class_attendance_refused"');

    // Still open within the grace; refused from the end plus 15 minutes.
    clock.set(plus(end, 14));
    expect(joined(await joinClass(as, c.id)).self.role).toBe('learner');
    clock.set(plus(end, 15));
    expect(await joinClass(await connect(enrolledB), c.id)).toEqual({ ok: false, error: { code: 'class_over', message: expect.any(String) } });
    expect(codeOf(await joinClass(await connect(tutor), c.id))).toBe('class_over');
    for (const s of [ts, as, xs, ads]) s.disconnect();
  });

  it('refuses every join to a cancelled class, the tutor and an enrolled learner alike', async () => {
    clock.set(new Date('2026-12-07T09:00:00.000Z'));
    const c = await create({ title: 'Cancelled geometry', date: '2026-12-11' });
    await enrol(enrolledA, c.id);
    expect((await tutor.client.post(`/api/classes/${c.id}/cancel`)).json.status).toBe('cancelled');
    clock.set(plus(new Date(c.start), -5));
    expect(await joinClass(await connect(enrolledA), c.id)).toEqual({ ok: false, error: { code: 'class_cancelled', message: expect.any(String) } });
    expect(codeOf(await joinClass(await connect(tutor), c.id))).toBe('class_cancelled');
  });

  it('with a lobby, an enrolled learner waits until the teacher admits them', async () => {
    clock.set(new Date('2026-12-07T09:00:00.000Z'));
    const c = await create({ title: 'Lobby trigonometry', date: '2026-12-12', lobby: true });
    await enrol(enrolledA, c.id);
    clock.set(plus(new Date(c.start), -5));
    const ts = await connect(tutor);
    expect(joined(await joinClass(ts, c.id)).class.lobby).toBe(true);
    const lobby = record<{ classId: string; waiting: LobbyEntry[] }>(ts, 'class:lobby');
    const as = await connect(enrolledA);
    const admitted = record<{ classId: string }>(as, 'class:admitted');
    const wait = await joinClass(as, c.id);
    expect(wait.ok && wait.status).toBe('waiting');
    expect(codeOf(await ask(as, 'class:hand', { classId: c.id, raised: true }))).toBe('not_joined');
    await until(() => lobby.at(-1)?.waiting.some((w) => w.userId === enrolledA.id) === true, 'the teacher to see the learner waiting');
    expect(await control(ts, c.id, { type: 'admit', userId: enrolledA.id })).toEqual({ ok: true });
    await until(() => admitted.length === 1, 'the learner to hear they are admitted');
    expect(joined(await joinClass(as, c.id)).self.role).toBe('learner');
    expect(codeOf(await joinClass(await connect(outsider), c.id))).toBe('not_enrolled');
  });
});
