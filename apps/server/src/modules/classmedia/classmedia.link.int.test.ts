import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminClient, Client, relaxedLogin, signUpStudent, signUpTutor, startTestApp, type TestApp } from '../../../test/app';
import { type SocketPublisher, type SocketReceiver, publishOverSocket, receiveOverSocket } from '../../../test/class-media-clients';
import { describeOnOneBackend } from '../../../test/db';
import { janusForThisFile } from '../../../test/janus-netns';
import { SocketPool, type TestSocket } from '../../../test/sockets';
import { waitFor } from '../../../test/webrtc-clients';
import { ask, control, joinClass, provideFakePorts, record } from '../classroom/classroom.testkit';
import { LINK_RULES } from './classmedia.rules';

// Issue #15's media gaps through a real Janus (in a network namespace) and our socket only: a screen share as a second
// feed, the client's stats choosing layers and the low-bandwidth mode (audio and board only), and media events on the
// admin timeline. The injected clock drives the link rule's timing (no sleeps); packets prove what Janus forwards.
const { runs, janus } = janusForThisFile('class media: screen, stats, low bandwidth (network namespace)');
const T0 = Date.parse('2026-11-27T10:00:00Z');
let nowMs = T0;
const clock = { now: () => new Date(nowMs) };
const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code);
const stream = (mid: string, kind: 'audio' | 'video', lossPct: number) => ({ mid, kind, bitrateBps: 300_000, lossPct, framesDecoded: kind === 'video' ? 100 : null });

describeOnOneBackend('class media: screen share, client stats, low bandwidth, timeline', ({ db }) => {
  if (!runs) return void it.skip('needs Janus in a network namespace');
  let t: TestApp;
  const sockets = new SocketPool();
  const stops: (() => unknown)[] = [];
  let classId: string;
  let teacher: { id: string; socket: TestSocket };
  let students: { id: string; socket: TestSocket }[];
  let seen: SocketReceiver;

  async function person(kind: 'tutor' | 'student') {
    const client = new Client(t.baseUrl);
    const { user } = kind === 'tutor' ? await signUpTutor(client) : await signUpStudent(client);
    return { id: user.id as string, socket: (await sockets.connect(t.baseUrl, client.cookie)).socket };
  }
  /** Video packets per SSRC that grew by more than `min` while `fn`'s condition came true. */
  async function growing(r: SocketReceiver, what: string, min = 20): Promise<number> {
    const before = new Map(r.videoBySsrc);
    const mark = r.packets.audio;
    await waitFor(what, () => r.packets.audio > mark + 150, 15_000);
    return [...r.videoBySsrc].filter(([ssrc, n]) => n - (before.get(ssrc) ?? 0) > min).length;
  }
  const stats = (s: TestSocket, lossPct: number) => {
    nowMs += LINK_RULES.statsEveryMs;
    const video = seen.streams.filter((x) => x.kind === 'video').map((x) => stream(x.mid, 'video', lossPct));
    return ask(s, 'class:media:stats', { classId, streams: [stream('0', 'audio', lossPct), ...video], candidateType: 'host', rttMs: 12 });
  };

  beforeAll(async () => {
    nowMs = T0;
    t = await startTestApp(db().database, { login: relaxedLogin }, clock, { sfu: janus().janus.api });
    const fake = provideFakePorts(t.app.fastify.platform.ports);
    teacher = await person('tutor');
    students = await Promise.all([person('student'), person('student')]);
    classId = fake.addClass({ tutorId: teacher.id, learners: students.map((s) => s.id), roomOpensAt: new Date(T0 - 60_000), endsAt: new Date(T0 + 3_600_000) }).id;
    for (const p of [teacher, ...students]) expect(code(await joinClass(p.socket, classId))).toBe('ok');
  }, 60_000);
  afterAll(async () => {
    for (const s of stops.reverse()) await s();
    sockets.closeAll();
    await t?.close();
  });

  it('the teacher’s screen is a second feed every student receives beside the camera; stopping the share unpublishes it', async () => {
    const announced = record<{ publishers: { userId: string; source: string }[] }>(students[0]!.socket, 'class:media:publishers');
    const cam: SocketPublisher = await publishOverSocket(teacher.socket, classId, { simulcast: true, size: [960, 540] });
    stops.push(() => cam.stop());
    const screen = await publishOverSocket(teacher.socket, classId, { simulcast: false, source: 'screen' });
    stops.push(() => screen.stop());
    await waitFor('the camera and the screen to be announced', () => announced.some((a) => a.publishers.filter((p) => p.userId === teacher.id).length === 2));
    expect(announced.at(-1)!.publishers.map((p) => p.source).sort()).toEqual(['camera', 'screen']);
    seen = await receiveOverSocket(students[0]!.socket, classId, janus().hostAddress);
    stops.push(() => seen.stop());
    expect(seen.streams).toContainEqual(expect.objectContaining({ userId: teacher.id, kind: 'video', source: 'screen' }));
    expect(seen.streams).toContainEqual(expect.objectContaining({ userId: teacher.id, kind: 'video', source: 'camera' }));
    await waitFor('both videos at the student', () => [...seen.videoBySsrc.values()].filter((n) => n > 30).length === 2, 20_000);

    // A learner without permission cannot share; one with permission cannot while the teacher shares.
    const offer = { type: 'offer', sdp: 'v=0' };
    expect(code(await ask(students[1]!.socket, 'class:media:publish', { classId, offer, source: 'screen' }))).toBe('screen_not_allowed');
    expect(code(await ask(students[1]!.socket, 'class:media:screen-permission', { classId, userId: students[0]!.id, allowed: true }))).toBe('teacher_only');
    const told = record<{ allowed: boolean }>(students[1]!.socket, 'class:media:screen-permission');
    expect(code(await ask(teacher.socket, 'class:media:screen-permission', { classId, userId: students[1]!.id, allowed: true }))).toBe('ok');
    await waitFor('the learner to be told', () => told.length === 1);
    expect(told).toEqual([{ classId, allowed: true }]);
    expect(code(await ask(students[1]!.socket, 'class:media:publish', { classId, offer, source: 'screen' }))).toBe('screen_taken');

    expect(code(await ask(teacher.socket, 'class:media:unpublish', { classId, source: 'screen' }))).toBe('ok');
    await waitFor('the screen to leave the publishers', () => announced.at(-1)!.publishers.every((p) => p.source === 'camera'));
    await growing(seen, 'in-flight packets to land');
    expect(await growing(seen, 'a window of audio after the share stopped')).toBe(1);
  }, 60_000);

  it('stats are schema-checked and rate-limited; loss steps the layer down at once; the worst link pauses video, and a clean stretch brings it back', async () => {
    const s0 = students[0]!.socket;
    expect(code(await ask(s0, 'class:media:stats', { classId, lossPct: 3 }))).toBe('validation_failed');
    expect(code(await stats(s0, 0))).toBe('ok');
    expect(code(await ask(s0, 'class:media:stats', { classId, streams: [], candidateType: null, rttMs: null }))).toBe('too_often');

    const modes = record<{ audioOnly: boolean; reason: string }>(s0, 'class:media:mode');
    expect(code(await stats(s0, 30))).toBe('ok'); // heavy loss: straight to the bottom layer
    expect(code(await stats(s0, 8))).toBe('ok');
    expect(modes).toEqual([]);
    expect(code(await stats(s0, 8))).toBe('ok'); // the second bad sample at the bottom: audio and board only
    await waitFor('the student to be told', () => modes.length === 1);
    expect(modes[0]).toEqual({ classId, audioOnly: true, reason: 'measured' });
    await waitFor('the video m-lines to go', () => seen.streams.every((x) => x.kind === 'audio'));
    await growing(seen, 'in-flight packets to land');
    expect(await growing(seen, 'audio while video is paused', 0)).toBe(0);

    for (let i = 0; i <= LINK_RULES.recoverAfterMs / LINK_RULES.statsEveryMs; i++) expect(code(await stats(s0, 0))).toBe('ok');
    await waitFor('video to come back', () => modes.length === 2);
    expect(modes[1]).toEqual({ classId, audioOnly: false, reason: 'measured' });
    // The teacher's video m-line is offered again (at the bottom layer: the timeline test checks 'recovered').
    // Not asserted here: packets on the reactivated m-line, which this werift receiver did not count (see decision 048).
    await waitFor('the teacher’s video again', () => seen.streams.some((x) => x.kind === 'video' && x.source === 'camera'));
  }, 60_000);

  it('a learner’s own choice of sound and board only holds through clean stats, until they leave it', async () => {
    const s0 = students[0]!.socket;
    const modes = record<{ audioOnly: boolean; reason: string }>(s0, 'class:media:mode');
    expect(code(await ask(s0, 'class:media:mode', { classId, audioOnly: true }))).toBe('ok');
    await waitFor('the student to be told', () => modes.length === 1);
    expect(modes).toEqual([{ classId, audioOnly: true, reason: 'manual' }]);
    for (let i = 0; i < 12; i++) await stats(s0, 0);
    expect(modes).toHaveLength(1);
    expect(code(await ask(s0, 'class:media:mode', { classId, audioOnly: false }))).toBe('ok');
    await waitFor('the student to be told', () => modes.length === 2);
    expect(modes.at(-1)).toEqual({ classId, audioOnly: false, reason: 'manual' });
    await waitFor('the teacher’s video again', () => seen.streams.some((x) => x.kind === 'video'));
  }, 30_000);

  it('puts media events on the admin’s class timeline: join, connected with candidate type, layers, low bandwidth, quality, screen, moderation, kick', async () => {
    const s1 = students[1]!;
    const announced = record<{ publishers: { userId: string }[] }>(teacher.socket, 'class:media:publishers');
    const pub = await publishOverSocket(s1.socket, classId, { simulcast: false });
    stops.push(() => pub.stop());
    const { client: admin } = await adminClient(t);
    await waitFor('the student’s feed', () => announced.some((a) => a.publishers.some((p) => p.userId === s1.id)));
    expect(code(await control(teacher.socket, classId, { type: 'mute', userId: s1.id }))).toBe('ok');
    expect(code(await control(teacher.socket, classId, { type: 'remove', userId: s1.id }))).toBe('ok');
    const res = await admin.get(`/api/classes/${classId}/room/timeline`);
    expect(res.status).toBe(200);
    const events = (res.json as { events: { type: string; userId: string | null; data: Record<string, unknown> }[] }).events;
    const of = (type: string) => events.filter((e) => e.type === type);
    expect(of('media-join').map((e) => e.userId)).toEqual(expect.arrayContaining([teacher.id, students[0]!.id, s1.id]));
    expect(of('media-connected')[0]).toMatchObject({ userId: students[0]!.id, data: { candidateType: 'host', rttMs: 12 } });
    expect(of('media-layer').map((e) => e.data.why)).toEqual(expect.arrayContaining(['heavy_loss', 'recovered']));
    expect(of('media-low-bandwidth').map((e) => [e.data.on, e.data.reason])).toEqual([
      [true, 'measured'],
      [false, 'measured'],
      [true, 'manual'],
      [false, 'manual'],
    ]);
    expect(of('media-quality').length).toBeGreaterThan(0);
    expect(of('media-screen').map((e) => e.data.on)).toEqual([true, false]);
    expect(of('media-screen-permission')[0]).toMatchObject({ userId: teacher.id, data: { learnerId: s1.id, allowed: true } });
    expect(of('media-up').length).toBeGreaterThan(0);
    expect(of('media-kicked').map((e) => e.userId)).toEqual([s1.id]);
    expect(of('media-moderated').some((e) => e.userId === s1.id && e.data.audioMuted === true)).toBe(true);
  }, 30_000);
});
