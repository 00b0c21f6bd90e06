import { afterAll, beforeAll, expect, it } from 'vitest';
import { publishOverSocket, receiveOverSocket, type SocketReceiver } from '../../../test/class-media-clients';
import { Client, relaxedLogin, signUpStudent, signUpTutor, startTestApp, type TestApp } from '../../../test/app';
import { describeOnOneBackend } from '../../../test/db';
import { janusForThisFile } from '../../../test/janus-netns';
import { SocketPool, type TestSocket } from '../../../test/sockets';
import { waitFor } from '../../../test/webrtc-clients';
import { ask, control, joinClass, provideFakePorts, record } from '../classroom/classroom.testkit';

// Breakout rooms through a real Janus (decision 050): each group gets a Janus room of its own, made by the server with a
// secret, pin and tokens like the main room, and a group member's receiving connection carries only their group.
const { runs, janus } = janusForThisFile('breakout rooms through Janus (network namespace)');
const T0 = Date.parse('2026-11-27T10:00:00Z');
const clock = { now: () => new Date(T0) };
const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code);

describeOnOneBackend('breakout rooms through Janus', ({ db }) => {
  if (!runs) return void it.skip('needs Janus in a network namespace');
  let t: TestApp;
  const sockets = new SocketPool();
  const stops: (() => unknown)[] = [];
  let classId: string;
  let teacher: { id: string; socket: TestSocket };
  let students: { id: string; socket: TestSocket }[];

  async function person(kind: 'tutor' | 'student') {
    const client = new Client(t.baseUrl);
    const { user } = kind === 'tutor' ? await signUpTutor(client) : await signUpStudent(client);
    return { id: user.id as string, socket: (await sockets.connect(t.baseUrl, client.cookie)).socket };
  }

  beforeAll(async () => {
    t = await startTestApp(db().database, { login: relaxedLogin }, clock, { sfu: janus().janus.api });
    const fake = provideFakePorts(t.app.fastify.platform.ports);
    teacher = await person('tutor');
    students = await Promise.all([person('student'), person('student'), person('student'), person('student')]);
    classId = fake.addClass({ tutorId: teacher.id, learners: students.map((s) => s.id), roomOpensAt: new Date(T0 - 60_000), endsAt: new Date(T0 + 3_600_000) }).id;
    for (const p of [teacher, ...students]) expect(code(await joinClass(p.socket, classId))).toBe('ok');
  }, 30_000);
  let stale: { old: SocketReceiver; socket: TestSocket } | null = null;
  afterAll(async () => {
    for (const s of stops.reverse()) await s();
    sockets.closeAll();
    await t?.close();
  });

  it("gives each group its own Janus room; a member receives only their own group's feeds", async () => {
    const [a, b, c, d] = students as [(typeof students)[0], (typeof students)[0], (typeof students)[0], (typeof students)[0]];
    expect(code(await control(teacher.socket, classId, { type: 'breakout-start', split: { mode: 'chosen', groups: [[a.id, b.id], [c.id, d.id]] }, minutes: 10 }))).toBe('ok');
    const announcedToA = record<{ publishers: { userId: string }[] }>(a.socket, 'class:media:publishers');
    const announcedToC = record<{ publishers: { userId: string }[] }>(c.socket, 'class:media:publishers');
    for (const s of students) {
      const pub = await publishOverSocket(s.socket, classId, { simulcast: false });
      stops.push(() => pub.stop());
    }
    await waitFor('each group to hear of its two publishers', () => announcedToA.some((x) => x.publishers.length === 2) && announcedToC.some((x) => x.publishers.length === 2));
    // Every announcement a group member heard names only their own group.
    for (const x of announcedToA) for (const p of x.publishers) expect([a.id, b.id]).toContain(p.userId);
    for (const x of announcedToC) for (const p of x.publishers) expect([c.id, d.id]).toContain(p.userId);

    const created = t
      .logs()
      .split('\n')
      .filter((l) => l.includes('"event":"classmedia_room_created"') && l.includes(classId))
      .map((l) => JSON.parse(l) as { groupId: string | null; room: number });
    const groupRooms = created.filter((x) => x.groupId);
    expect(groupRooms).toHaveLength(2);
    expect(new Set(groupRooms.map((x) => x.groupId)).size).toBe(2);
    expect(new Set(groupRooms.map((x) => x.room)).size).toBe(2);

    const got: SocketReceiver[] = [];
    for (const s of [a, c]) {
      const r = await receiveOverSocket(s.socket, classId, janus().hostAddress);
      stops.push(() => r.stop());
      got.push(r);
    }
    const [atA, atC] = got as [SocketReceiver, SocketReceiver];
    expect(new Set(atA.streams.map((s) => s.userId))).toEqual(new Set([b.id]));
    expect(atA.streams.map((s) => s.kind).sort()).toEqual(['audio', 'video']);
    expect(new Set(atC.streams.map((s) => s.userId))).toEqual(new Set([d.id]));
    await waitFor("each member to receive their group-mate's video", () => atA.packets.video > 20 && atC.packets.video > 20, 20_000);
    stale = { old: atA, socket: a.socket };
  }, 60_000);

  // Coming back from a group (or reconnecting) replaces a receiving connection while offers and answers for the old one
  // may still be on their way: they are refused by name, never applied to the new handle at Janus.
  it('refuses an answer or a candidate for a receiving connection that has been replaced; the new one keeps receiving', async () => {
    const { old, socket } = stale!;
    await old.stop();
    const fresh = await receiveOverSocket(socket, classId, janus().hostAddress);
    stops.push(() => fresh.stop());
    expect(fresh.sub).not.toBe(old.sub);
    const before = fresh.packets.video;
    const lateAnswer = { classId, sub: old.sub, answer: { type: 'answer', sdp: 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n' } };
    expect(code(await ask(socket, 'class:media:start', lateAnswer))).toBe('not_receiving');
    const lateCandidate = { classId, target: 'subscriber', sub: old.sub, candidate: { candidate: 'candidate:1 1 udp 2122260223 10.9.9.9 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 } };
    expect(code(await ask(socket, 'class:media:trickle', lateCandidate))).toBe('not_receiving');
    expect(t.logs()).toContain('"event":"classmedia_stale_subscriber"');
    await waitFor('the new connection to keep receiving', () => fresh.packets.video > before + 20, 20_000);
  }, 60_000);
});
