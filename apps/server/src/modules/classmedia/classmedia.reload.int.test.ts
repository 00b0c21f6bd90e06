import { afterAll, beforeAll, expect, it } from 'vitest';
import { publishOverSocket, receiveOverSocket, type SocketPublisher, type SocketReceiver } from '../../../test/class-media-clients';
import { Client, relaxedLogin, signUpStudent, signUpTutor, startTestApp, type TestApp } from '../../../test/app';
import { describeOnOneBackend } from '../../../test/db';
import { janusForThisFile } from '../../../test/janus-netns';
import { SocketPool, type TestSocket } from '../../../test/sockets';
import { waitFor } from '../../../test/webrtc-clients';
import { ask, control, joinClass, provideFakePorts, record } from '../classroom/classroom.testkit';

// A muted learner reloads the page (issue #15): their new socket publishes a new feed while Janus may not yet have
// noticed that the old one is gone. The teacher's receiving connection must move to the new feed, and it stays muted.
// Janus reuses the old feed's m-lines for the new one (new SSRCs on the same mids), which the werift receiver in
// class-media-clients.ts must count too (it once counted only each m-line's first track, so this test failed).
const { runs, janus } = janusForThisFile('class media after a reload (network namespace)');
const T0 = Date.parse('2026-11-27T10:00:00Z');
const clock = { now: () => new Date(T0) };
const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code);

describeOnOneBackend('class media after a learner reloads, through Janus', ({ db }) => {
  if (!runs) return void it.skip('needs Janus in a network namespace');
  let t: TestApp;
  const sockets = new SocketPool();
  const stops: (() => unknown)[] = [];
  let classId: string;
  let teacher: { id: string; socket: TestSocket };
  let student: { id: string; socket: TestSocket; client: Client };

  async function person(kind: 'tutor' | 'student') {
    const client = new Client(t.baseUrl);
    const { user } = kind === 'tutor' ? await signUpTutor(client) : await signUpStudent(client);
    return { id: user.id as string, client, socket: (await sockets.connect(t.baseUrl, client.cookie)).socket };
  }

  beforeAll(async () => {
    t = await startTestApp(db().database, { login: relaxedLogin }, clock, { sfu: janus().janus.api });
    const fake = provideFakePorts(t.app.fastify.platform.ports);
    teacher = await person('tutor');
    student = await person('student');
    classId = fake.addClass({ tutorId: teacher.id, learners: [student.id], roomOpensAt: new Date(T0 - 60_000), endsAt: new Date(T0 + 3_600_000) }).id;
    for (const p of [teacher, student]) expect(code(await joinClass(p.socket, classId))).toBe('ok');
  }, 30_000);
  afterAll(async () => {
    for (const s of stops.reverse()) await s();
    sockets.closeAll();
    await t?.close();
  });

  it('the teacher keeps receiving a muted learner who reloads: their new feed replaces the old one, still muted at Janus', async () => {
    const announced = record<{ publishers: { userId: string; feed: number }[] }>(teacher.socket, 'class:media:publishers');
    const teacherPub = await publishOverSocket(teacher.socket, classId, { simulcast: true });
    stops.push(() => teacherPub.stop());
    const before: SocketPublisher = await publishOverSocket(student.socket, classId, { simulcast: false });
    await waitFor('the learner to be announced', () => announced.some((a) => a.publishers.some((p) => p.userId === student.id)));
    const oldFeed = announced.findLast((a) => a.publishers.some((p) => p.userId === student.id))!.publishers.find((p) => p.userId === student.id)!.feed;
    const view: SocketReceiver = await receiveOverSocket(teacher.socket, classId, janus().hostAddress);
    stops.push(() => view.stop());
    await waitFor('the learner’s video at the teacher', () => view.packets.video > 30, 20_000);
    expect(code(await control(teacher.socket, classId, { type: 'mute-all' }))).toBe('ok');

    // The reload: a new socket joins and publishes before Janus has noticed the old connection is gone (as a browser
    // does, whose old peer connection may linger until ICE times out); the old socket goes with the old page.
    const reloaded = (await sockets.connect(t.baseUrl, student.client.cookie)).socket;
    expect(code(await joinClass(reloaded, classId))).toBe('ok');
    const offers = record<{ streams: { userId: string; kind: string }[] }>(teacher.socket, 'class:media:offer');
    const after = await publishOverSocket(reloaded, classId, { simulcast: false });
    stops.push(() => after.stop());
    student.socket.disconnect();
    before.stop();
    await waitFor('the learner’s new feed to be announced', () => announced.some((a) => a.publishers.some((p) => p.userId === student.id && p.feed !== oldFeed)), 20_000);
    await waitFor('the teacher to be offered the new feed', () => offers.some((o) => o.streams.some((s) => s.userId === student.id && s.kind === 'video')), 20_000);
    const mark = view.packets.video;
    await waitFor('the learner’s new video at the teacher', () => view.packets.video > mark + 60, 20_000);
    // Muted before the reload, muted after: Janus forwards none of their audio, and their own unmute is refused.
    expect(view.packets.audio).toBe(0);
    expect(code(await ask(reloaded, 'class:media', { classId, audioMuted: false, videoStopped: false }))).toBe('muted_by_teacher');
  }, 60_000);
});
