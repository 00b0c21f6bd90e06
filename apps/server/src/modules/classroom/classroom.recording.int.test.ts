import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminClient, Client, relaxedLogin, signUpStudent, signUpTutor, startTestApp, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { SocketPool, type TestSocket } from '../../../test/sockets';
import { ok } from '../../platform/result';
import { CLASSROOM_MEDIA, type ClassroomMediaPort } from './classroom.ports';
import { control, joinClass, provideFakePorts, record, until } from './classroom.testkit';

// Recording from the teacher's controls without a media server (issue #15): who may start it, the typed refusals,
// the indicator from the stored state (live and after a reload), who is left out (guardian consent, read at each
// join), stopping before the class ends, and who may list the class's recordings. The media is in
// e2e/class-recording.e2e.test.ts.
const T0 = Date.parse('2026-12-06T10:00:00Z');
const clock = { now: () => new Date(T0) };
const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code);
type Joined = { ok: true; state: { recordingSince: string | null }; participants: { userId: string; leftOutOfRecording: boolean }[] };

describeEachBackend('classroom: recording from the teacher’s controls', ({ db }) => {
  let t: TestApp;
  const sockets = new SocketPool();
  let classId: string;
  const people: Record<'teacher' | 'adult' | 'minor' | 'outsider', { id: string; client: Client; socket: TestSocket }> = {} as never;

  beforeAll(async () => {
    t = await startTestApp(db().database, { login: relaxedLogin }, clock);
    const fake = provideFakePorts(t.app.fastify.platform.ports);
    for (const [name, extra] of [['teacher', null], ['adult', {}], ['minor', { birthDate: '2011-02-02', guardianContact: 'parent@example.test' }], ['outsider', {}]] as const) {
      const client = new Client(t.baseUrl);
      const { user } = extra === null ? await signUpTutor(client) : await signUpStudent(client, extra);
      people[name] = { id: user.id, client, socket: (await sockets.connect(t.baseUrl, client.cookie)).socket };
    }
    classId = fake.addClass({ tutorId: people.teacher.id, learners: [people.adult.id, people.minor.id], roomOpensAt: new Date(T0 - 60_000), endsAt: new Date(T0 + 3_600_000) }).id;
  });
  afterAll(async () => {
    sockets.closeAll();
    await t?.close();
  });

  it('marks a minor without guardian consent as left out, for themselves and the teacher; a consent recorded since counts from the next join', async () => {
    const { teacher, adult, minor } = people;
    expect(code(await joinClass(teacher.socket, classId))).toBe('ok');
    const told = record<{ participant: { userId: string; leftOutOfRecording: boolean } }>(teacher.socket, 'class:participant');
    expect(code(await joinClass(adult.socket, classId))).toBe('ok');
    const joined = (await joinClass(minor.socket, classId)) as Joined;
    expect(joined.participants.find((p) => p.userId === minor.id)?.leftOutOfRecording).toBe(true);
    expect(joined.participants.find((p) => p.userId === adult.id)?.leftOutOfRecording).toBe(false);
    await until(() => told.some((e) => e.participant.userId === minor.id && e.participant.leftOutOfRecording), 'the teacher to see the minor left out');

    const { client: admin } = await adminClient(t);
    const consent = { guardianName: 'Meera Iyer', relationship: 'mother', contact: 'parent@example.test', method: 'paper_form', evidence: 'Signed form #2026-0099' };
    expect((await admin.post(`/api/admin/students/${minor.id}/guardian-consent`, consent)).status).toBe(200);
    const again = (await joinClass((await sockets.connect(t.baseUrl, minor.client.cookie)).socket, classId)) as Joined;
    expect(again.participants.find((p) => p.userId === minor.id)?.leftOutOfRecording).toBe(false);
  });

  it('refuses recording to a learner (teacher_only) and, with no media server, to the teacher (recording_unavailable); nothing changes', async () => {
    const refused = await control(people.adult.socket, classId, { type: 'record', on: true });
    expect(code(refused)).toBe('teacher_only');
    const unavailable = (await control(people.teacher.socket, classId, { type: 'record', on: true })) as { ok: false; error: { code: string; message: string } };
    expect(unavailable.error).toEqual({ code: 'recording_unavailable', message: 'The class cannot be recorded right now: recording needs the media server. Try again in a moment.' });
    const view = (await joinClass((await sockets.connect(t.baseUrl, people.adult.client.cookie)).socket, classId)) as Joined;
    expect(view.state.recordingSince).toBeNull();
    expect(t.logs()).toContain('"event":"classroom_recording_refused"');
  });

  it('shows the indicator to everyone live and after a reload, stops the recording when the class ends, and lists it only to the class', async () => {
    const calls: Parameters<ClassroomMediaPort['record']>[1][] = [];
    const media: ClassroomMediaPort = {
      apply: async () => undefined,
      remove: async () => undefined,
      end: async () => undefined,
      record: async (_classId, req) => (calls.push(req), ok({ recordingId: req.on ? '00000000-0000-4000-8000-000000000001' : req.recordingId })),
    };
    t.app.fastify.platform.ports.replaceForTest(CLASSROOM_MEDIA, media);
    const states = [people.teacher, people.adult, people.minor].map((p) => record<{ state: { recordingSince: string | null } }>(p.socket, 'class:state'));
    expect(code(await control(people.teacher.socket, classId, { type: 'record', on: true }))).toBe('ok');
    await until(() => states.every((s) => s.at(-1)?.state.recordingSince === new Date(T0).toISOString()), 'everyone to see the indicator');
    // Starting twice changes nothing (no second recording).
    expect(code(await control(people.teacher.socket, classId, { type: 'record', on: true }))).toBe('ok');
    const reload = (await joinClass((await sockets.connect(t.baseUrl, people.adult.client.cookie)).socket, classId)) as Joined;
    expect(reload.state.recordingSince).toBe(new Date(T0).toISOString());

    expect(code(await control(people.teacher.socket, classId, { type: 'end' }))).toBe('ok');
    expect(calls).toEqual([
      { on: true, teacherId: people.teacher.id },
      { on: false, recordingId: '00000000-0000-4000-8000-000000000001' },
    ]);
    expect(t.logs()).toContain('"event":"classroom_recording_stopped"');

    expect((await people.teacher.client.get(`/api/classes/${classId}/recordings`)).json).toEqual({ recordings: [] });
    expect((await people.minor.client.get(`/api/classes/${classId}/recordings`)).status).toBe(200);
    const outsider = await people.outsider.client.get(`/api/classes/${classId}/recordings`);
    expect(outsider.status).toBe(404);
    expect(outsider.json.error.code).toBe('not_found');
  });
});
