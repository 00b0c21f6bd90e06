import { afterAll, beforeAll, expect, it } from 'vitest';
import { type SocketPublisher, type SocketReceiver, publishOverSocket, receiveOverSocket } from '../../../test/class-media-clients';
import { Client, relaxedLogin, signUpStudent, signUpTutor, startTestApp, type TestApp } from '../../../test/app';
import { describeOnOneBackend } from '../../../test/db';
import { janusForThisFile } from '../../../test/janus-netns';
import { SocketPool, type TestSocket } from '../../../test/sockets';
import { waitFor } from '../../../test/webrtc-clients';
import { ask, control, joinClass, provideFakePorts, record } from '../classroom/classroom.testkit';

// A class's media through our socket and a real Janus (issue #15): Janus in a network namespace, a wrtc teacher,
// three werift students, every SDP and candidate through `class:media:*`. Nobody here talks to Janus but the server.
const { runs, janus } = janusForThisFile('class media over the socket (network namespace)');
const T0 = Date.parse('2026-11-27T10:00:00Z');
const clock = { now: () => new Date(T0) };
const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code);

describeOnOneBackend('class media over the socket, through Janus', ({ db }) => {
  if (!runs) return void it.skip('needs Janus in a network namespace');
  let t: TestApp;
  const sockets = new SocketPool();
  const stops: (() => unknown)[] = [];
  let classId: string;
  let teacher: { id: string; socket: TestSocket };
  let students: { id: string; socket: TestSocket }[];
  let teacherPub: SocketPublisher;
  let received: SocketReceiver[];
  let teacherView: SocketReceiver;

  async function person(kind: 'tutor' | 'student') {
    const client = new Client(t.baseUrl);
    const { user } = kind === 'tutor' ? await signUpTutor(client) : await signUpStudent(client);
    return { id: user.id as string, socket: (await sockets.connect(t.baseUrl, client.cookie)).socket };
  }

  beforeAll(async () => {
    t = await startTestApp(db().database, { login: relaxedLogin }, clock, { sfu: janus().janus.api });
    const fake = provideFakePorts(t.app.fastify.platform.ports);
    teacher = await person('tutor');
    students = await Promise.all([person('student'), person('student'), person('student')]);
    classId = fake.addClass({ tutorId: teacher.id, learners: students.map((s) => s.id), roomOpensAt: new Date(T0 - 60_000), endsAt: new Date(T0 + 3_600_000) }).id;
    for (const p of [teacher, ...students]) expect(code(await joinClass(p.socket, classId))).toBe('ok');
  }, 30_000);
  afterAll(async () => {
    for (const s of stops.reverse()) await s();
    sockets.closeAll();
    await t?.close();
  });

  it('refuses media before anyone publishes, and to a socket that has not joined the class', async () => {
    expect(code(await ask(students[0]!.socket, 'class:media:subscribe', { classId }))).toBe('no_media_yet');
    const outsider = await person('student');
    expect(code(await ask(outsider.socket, 'class:media:publish', { classId, offer: { type: 'offer', sdp: 'v=0' } }))).toBe('not_joined');
    expect(code(await ask(outsider.socket, 'class:media:publish', { classId, offer: { type: 'answer' } }))).toBe('validation_failed');
  });

  it('the teacher publishes simulcast and every student receives the teacher’s video, all through the socket', async () => {
    const announced = record<{ publishers: { userId: string }[] }>(students[0]!.socket, 'class:media:publishers');
    teacherPub = await publishOverSocket(teacher.socket, classId, { simulcast: true });
    stops.push(() => teacherPub.stop());
    await waitFor('the teacher to be announced to the class', () => announced.some((a) => a.publishers.some((p) => p.userId === teacher.id)));
    received = await Promise.all(students.map((s) => receiveOverSocket(s.socket, classId, janus().hostAddress)));
    for (const r of received) stops.push(() => r.stop());
    for (const r of received) expect(r.streams).toContainEqual(expect.objectContaining({ userId: teacher.id, kind: 'video' }));
    await waitFor('every student to receive the teacher’s video', () => received.every((r) => r.packets.video > 30), 20_000);
  }, 40_000);

  it('a student publishes; the teacher receives their audio once unmuted, and mute-all stops it at Janus (their own unmute is refused)', async () => {
    const s0 = students[0]!;
    const announced = record<{ publishers: { userId: string }[] }>(teacher.socket, 'class:media:publishers');
    const pub = await publishOverSocket(s0.socket, classId, { simulcast: false });
    stops.push(() => pub.stop());
    // Learners enter muted: the teacher's receiving connection may carry the stream, but Janus forwards no audio yet.
    await waitFor('the student to be announced', () => announced.some((a) => a.publishers.some((p) => p.userId === s0.id)));
    teacherView = await receiveOverSocket(teacher.socket, classId, janus().hostAddress);
    stops.push(() => teacherView.stop());
    await waitFor('the student’s video at the teacher', () => teacherView.packets.video > 20, 20_000);
    expect(teacherView.packets.audio).toBe(0);

    expect(code(await ask(s0.socket, 'class:media', { classId, audioMuted: false, videoStopped: false }))).toBe('ok');
    await waitFor('the student’s audio at the teacher', () => teacherView.packets.audio > 20, 10_000);

    expect(code(await control(teacher.socket, classId, { type: 'mute-all' }))).toBe('ok');
    // In-flight packets land while 20 more video packets arrive; in the next 40, not one audio packet may.
    let mark = teacherView.packets.video;
    await waitFor('in-flight packets to land', () => teacherView.packets.video > mark + 20);
    const mutedAt = teacherView.packets.audio;
    mark = teacherView.packets.video;
    await waitFor('more video while muted', () => teacherView.packets.video > mark + 40);
    expect(teacherView.packets.audio - mutedAt).toBe(0);
    expect(code(await ask(s0.socket, 'class:media', { classId, audioMuted: false, videoStopped: false }))).toBe('muted_by_teacher');
  }, 40_000);

  it('a removed student’s media is kicked: they are told, their connection goes quiet, and they cannot receive again', async () => {
    const s1 = students[1]!;
    const closed = record<{ reason: string }>(s1.socket, 'class:media:closed');
    expect(code(await control(teacher.socket, classId, { type: 'remove', userId: s1.id }))).toBe('ok');
    await waitFor('the removed student to be told', () => closed.some((c) => c.reason === 'removed'));
    const r = received[1]!;
    let mark = received[0]!.packets.video;
    await waitFor('in-flight packets to land', () => received[0]!.packets.video > mark + 20);
    const stoppedAt = r.packets.video;
    mark = received[0]!.packets.video;
    await waitFor('the others to keep receiving', () => received[0]!.packets.video > mark + 40);
    expect(r.packets.video - stoppedAt).toBe(0);
    expect(['removed', 'not_joined']).toContain(code(await ask(s1.socket, 'class:media:subscribe', { classId })));
    // The third student still receives the teacher.
    mark = received[2]!.packets.video;
    await waitFor('the third student to keep receiving', () => received[2]!.packets.video > mark + 20);
  }, 30_000);

  it('after a Janus crash the class is told to reconnect; a republish makes a new room, and a teacher mute still holds at Janus', async () => {
    const told = [teacher, students[0]!, students[2]!].map((p) => record<{ classId: string }>(p.socket, 'class:media:reconnecting'));
    process.kill(janus().janus.pid()!, 'SIGKILL');
    await waitFor('everyone to be told to reconnect', () => told.every((x) => x.length > 0), 20_000);
    await waitFor('Janus to be back', () => janus().janus.status().up, 20_000);
    for (const s of stops.splice(0).reverse()) await s();
    teacherPub = await publishOverSocket(teacher.socket, classId, { simulcast: true });
    stops.push(() => teacherPub.stop());
    const announced = record<{ publishers: { userId: string }[] }>(teacher.socket, 'class:media:publishers');
    const pub = await publishOverSocket(students[0]!.socket, classId, { simulcast: false });
    stops.push(() => pub.stop());
    await waitFor('both to be announced', () => announced.some((a) => a.publishers.length === 2));
    const student = await receiveOverSocket(students[2]!.socket, classId, janus().hostAddress);
    const view = await receiveOverSocket(teacher.socket, classId, janus().hostAddress);
    stops.push(() => student.stop(), () => view.stop());
    await waitFor('the teacher’s video at the student again', () => student.packets.video > 30, 20_000);
    await waitFor('the muted student’s video at the teacher', () => view.packets.video > 60, 20_000);
    expect(view.packets.audio).toBe(0);
  }, 60_000);
});
