import { randomUUID } from 'node:crypto';
import type { ClassChatMessage, ClassJoined, ClassParticipant, HandEntry, LobbyEntry, PollView } from '@tutorline/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/db';
import { adminClient, Client, leaksInternals, relaxedLogin, signUpStudent, signUpTutor, startTestApp, type TestApp } from '../../../test/app';
import { SocketPool, type TestSocket } from '../../../test/sockets';
import { ask, control, joinClass, provideFakePorts, record, until } from './classroom.testkit';

const T0 = Date.parse('2026-11-27T10:00:00Z');
const clock = { now: () => new Date(T0) };
const joined = (r: Awaited<ReturnType<typeof joinClass>>): Extract<ClassJoined, { status: 'joined' }> => {
  if (!r.ok || r.status !== 'joined') throw new Error(`not joined: ${JSON.stringify(r)}`);
  return r;
};
const codeOf = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code);

describeEachBackend('the classroom over Socket.IO', ({ db }) => {
  let t: TestApp;
  let fake: ReturnType<typeof provideFakePorts>;
  const sockets = new SocketPool();
  let teacher: { id: string; client: Client; socket: TestSocket };
  let learners: { id: string; client: Client; socket: TestSocket }[];
  let stranger: { id: string; client: Client };
  let classId: string;

  async function person(kind: 'tutor' | 'student') {
    const client = new Client(t.baseUrl);
    const { user } = kind === 'tutor' ? await signUpTutor(client) : await signUpStudent(client);
    return { id: user.id, client };
  }
  const connect = async (p: { client: Client }) => (await sockets.connect(t.baseUrl, p.client.cookie)).socket;

  beforeAll(async () => {
    t = await startTestApp(db().database, { login: relaxedLogin }, clock);
    fake = provideFakePorts(t.app.fastify.platform.ports);
    const tu = await person('tutor');
    const ls = await Promise.all([person('student'), person('student'), person('student'), person('student')]);
    stranger = await person('student');
    classId = fake.addClass({ tutorId: tu.id, learners: ls.map((l) => l.id), roomOpensAt: new Date(T0 - 60_000), endsAt: new Date(T0 + 3_600_000) }).id;
    teacher = { ...tu, socket: await connect(tu) };
    learners = await Promise.all(ls.map(async (l) => ({ ...l, socket: await connect(l) })));
  });
  afterAll(async () => {
    sockets.closeAll();
    await t?.close();
  });

  describe('joining', () => {
    it('lets the teacher and learners in with their roles; learners start muted; attendance hears each join', async () => {
      const tj = joined(await joinClass(teacher.socket, classId));
      expect(tj.self.role).toBe('teacher');
      const seen = record<{ participant: ClassParticipant }>(teacher.socket, 'class:participant');
      for (const l of learners) expect(joined(await joinClass(l.socket, classId)).self.role).toBe('learner');
      await until(() => new Set(seen.map((p) => p.participant.userId)).size === learners.length, 'the teacher to see every learner arrive');
      const lj = joined(await joinClass(learners[0]!.socket, classId));
      const me = lj.participants.find((p) => p.userId === learners[0]!.id)!;
      expect(me).toMatchObject({ role: 'learner', present: true, audioMuted: true, audioHeld: false });
      expect(lj.participants.filter((p) => p.present)).toHaveLength(5);
      expect(fake.attendance.filter((a) => a.classId === classId && a.kind === 'join')).toHaveLength(5);
    });

    it('refuses someone not enrolled, a class that does not exist, a class not open yet, and a malformed join, with clear words', async () => {
      const x = await connect(stranger);
      expect(await joinClass(x, classId)).toEqual({ ok: false, error: { code: 'not_enrolled', message: 'You are not enrolled in this class.' } });
      expect(codeOf(await joinClass(x, randomUUID()))).toBe('class_not_found');
      const later = fake.addClass({ tutorId: teacher.id, learners: [stranger.id], roomOpensAt: new Date(T0 + 60_000), endsAt: new Date(T0 + 3_600_000) });
      expect(codeOf(await joinClass(x, later.id))).toBe('not_open_yet');
      const bad = await ask(x, 'class:join', { classId: 'nope', extra: 1 });
      expect(codeOf(bad)).toBe('validation_failed');
      expect(leaksInternals(JSON.stringify(bad))).toBe(false);
    });

    it('refuses a learner past the capacity, and a command naming another class than the one joined', async () => {
      const small = fake.addClass({ tutorId: teacher.id, learners: [learners[0]!.id, learners[1]!.id], capacity: 1, roomOpensAt: new Date(T0 - 60_000), endsAt: new Date(T0 + 3_600_000) });
      const a = await connect(learners[0]!);
      const b = await connect(learners[1]!);
      expect(joined(await joinClass(a, small.id)).self.role).toBe('learner');
      expect(await joinClass(b, small.id)).toEqual({ ok: false, error: { code: 'class_full', message: 'The classroom is full.' } });
      // b is in the main class, not in `small`: a message for `small` is refused before anything is read.
      expect(codeOf(await ask(b, 'class:hand', { classId: small.id, raised: true }))).toBe('not_joined');
      a.disconnect();
      b.disconnect();
    });
  });

  describe('teacher controls, enforced by the server', () => {
    it("refuses every teacher command from a learner with teacher_only, and nothing changes", async () => {
      const s = learners[1]!.socket;
      const target = learners[2]!.id;
      const before = joined(await joinClass(teacher.socket, classId));
      const applied = fake.mediaCalls.length;
      const commands = [
        { type: 'mute', userId: target },
        { type: 'mute-all' },
        { type: 'allow', userId: target, media: 'audio' },
        { type: 'stop-camera', userId: target },
        { type: 'lock', what: 'mics', locked: true },
        { type: 'remove', userId: target },
        { type: 'spotlight', userId: learners[1]!.id },
        { type: 'pen', userId: learners[1]!.id },
        { type: 'lower-hand', userId: target },
        { type: 'poll-create', poll: { question: 'Q?', options: ['a', 'b'], multiple: false, anonymous: true } },
        { type: 'end' },
      ];
      for (const c of commands) expect(await control(s, classId, c)).toEqual({ ok: false, error: { code: 'teacher_only', message: 'Only the teacher can do that.' } });
      const after = joined(await joinClass(teacher.socket, classId));
      expect(after.state).toEqual(before.state);
      expect(after.participants.map(({ speaking: _s, ...p }) => p)).toEqual(before.participants.map(({ speaking: _s, ...p }) => p));
      expect(after.polls).toEqual([]);
      expect(fake.mediaCalls.length).toBe(applied);
    });

    it("mute all reaches the media server for every learner, and a learner's own unmute is refused until the teacher allows it", async () => {
      const from = fake.mediaCalls.length;
      // One learner had unmuted themselves first.
      expect(await ask(learners[0]!.socket, 'class:media', { classId, audioMuted: false, videoStopped: false })).toEqual({ ok: true });
      expect(await control(teacher.socket, classId, { type: 'mute-all' })).toEqual({ ok: true });
      const applies = fake.mediaCalls.slice(from).filter((c) => c.call === 'apply' && c.classId === classId);
      for (const l of learners) expect(applies.filter((c) => c.userId === l.id).at(-1)?.state).toEqual({ audioMuted: true, videoStopped: false });
      expect(await ask(learners[0]!.socket, 'class:media', { classId, audioMuted: false, videoStopped: false })).toEqual({ ok: false, error: { code: 'muted_by_teacher', message: 'The teacher muted you. Raise your hand to ask to speak.' } });
      // The teacher allows learner 0: they may unmute themselves; learner 1 is still held.
      expect(await control(teacher.socket, classId, { type: 'allow', userId: learners[0]!.id, media: 'audio' })).toEqual({ ok: true });
      expect(await ask(learners[0]!.socket, 'class:media', { classId, audioMuted: false, videoStopped: false })).toEqual({ ok: true });
      expect(fake.mediaCalls.at(-1)).toEqual({ call: 'apply', classId, userId: learners[0]!.id, state: { audioMuted: false, videoStopped: false } });
      expect(codeOf(await ask(learners[1]!.socket, 'class:media', { classId, audioMuted: false, videoStopped: false }))).toBe('muted_by_teacher');
    });

    it('locking microphones mutes everyone and refuses every unmute; stopping a camera holds it off', async () => {
      expect(await control(teacher.socket, classId, { type: 'lock', what: 'mics', locked: true })).toEqual({ ok: true });
      const l0 = joined(await joinClass(learners[0]!.socket, classId));
      expect(l0.state.micsLocked).toBe(true);
      expect(l0.participants.find((p) => p.userId === learners[0]!.id)!.audioMuted).toBe(true);
      expect(codeOf(await ask(learners[0]!.socket, 'class:media', { classId, audioMuted: false, videoStopped: false }))).toBe('mics_locked');
      expect(await control(teacher.socket, classId, { type: 'lock', what: 'mics', locked: false })).toEqual({ ok: true });
      expect(await ask(learners[0]!.socket, 'class:media', { classId, audioMuted: false, videoStopped: false })).toEqual({ ok: true });

      expect(await control(teacher.socket, classId, { type: 'stop-camera', userId: learners[2]!.id })).toEqual({ ok: true });
      expect(fake.mediaCalls.at(-1)).toEqual({ call: 'apply', classId, userId: learners[2]!.id, state: { audioMuted: true, videoStopped: true } });
      expect(codeOf(await ask(learners[2]!.socket, 'class:media', { classId, audioMuted: true, videoStopped: false }))).toBe('camera_stopped_by_teacher');
      // A teacher command aimed at someone not in the class changes nothing.
      expect(codeOf(await control(teacher.socket, classId, { type: 'mute', userId: stranger.id }))).toBe('no_such_participant');
    });

    it('spotlight and pen reach everyone; a locked board takes updates only from the teacher and the pen holder', async () => {
      const states = record<{ state: { spotlightUserId: string | null; penUserId: string | null } }>(learners[3]!.socket, 'class:state');
      const update = new Uint8Array([0, 0]); // an empty Yjs update
      expect(await control(teacher.socket, classId, { type: 'lock', what: 'board', locked: true })).toEqual({ ok: true });
      expect(codeOf(await ask(learners[1]!.socket, 'class:board', { classId, update }))).toBe('board_locked');
      expect(await control(teacher.socket, classId, { type: 'pen', userId: learners[1]!.id })).toEqual({ ok: true });
      expect(await ask(learners[1]!.socket, 'class:board', { classId, update })).toEqual({ ok: true });
      expect(codeOf(await ask(learners[2]!.socket, 'class:board', { classId, update }))).toBe('board_locked');
      expect(codeOf(await ask(learners[1]!.socket, 'class:board', { classId, update: new Uint8Array([9, 9, 9]) }))).toBe('board_update_invalid');
      expect(await control(teacher.socket, classId, { type: 'spotlight', userId: learners[3]!.id })).toEqual({ ok: true });
      await until(() => states.at(-1)?.state.spotlightUserId === learners[3]!.id, 'the spotlight to reach a learner');
      expect(states.at(-1)!.state.penUserId).toBe(learners[1]!.id);
    });
  });

  describe('hands, reactions and chat', () => {
    it('keeps raised hands in order for the teacher, and the teacher lowers one', async () => {
      const hands = record<{ hands: HandEntry[] }>(teacher.socket, 'class:hands');
      for (const i of [2, 0, 3]) expect(await ask(learners[i]!.socket, 'class:hand', { classId, raised: true })).toEqual({ ok: true });
      await until(() => hands.at(-1)?.hands.length === 3, 'three hands');
      expect(hands.at(-1)!.hands.map((h) => h.userId)).toEqual([learners[2]!.id, learners[0]!.id, learners[3]!.id]);
      expect(await control(teacher.socket, classId, { type: 'lower-hand', userId: learners[2]!.id })).toEqual({ ok: true });
      await until(() => hands.at(-1)?.hands.length === 2, 'the first hand lowered');
      expect(hands.at(-1)!.hands.map((h) => h.userId)).toEqual([learners[0]!.id, learners[3]!.id]);
    });

    it('rate-limits reactions', async () => {
      const results = [];
      for (let i = 0; i < 6; i++) results.push(codeOf(await ask(learners[3]!.socket, 'class:react', { classId, reaction: 'clap' })));
      expect(results.slice(0, 3)).toEqual(['ok', 'ok', 'ok']);
      expect(results).toContain('rate_limited');
    });

    it('shows a private question to the teacher (with who asked) and the asker only; a chat lock still lets it through', async () => {
      const atTeacher = record<ClassChatMessage>(teacher.socket, 'class:chat');
      const atOther = record<ClassChatMessage>(learners[1]!.socket, 'class:chat');
      const q = await ask<{ message: ClassChatMessage }>(learners[0]!.socket, 'class:chat', { classId, clientId: randomUUID(), text: 'I did not get step 2', toTeacher: true });
      expect(q.ok && q.message).toMatchObject({ toTeacher: true, senderId: learners[0]!.id, senderName: 'Test Student' });
      await until(() => atTeacher.some((m) => m.toTeacher), 'the question to reach the teacher');
      expect(await control(teacher.socket, classId, { type: 'lock', what: 'chat', locked: true })).toEqual({ ok: true });
      expect(codeOf(await ask(learners[1]!.socket, 'class:chat', { classId, clientId: randomUUID(), text: 'hello all' }))).toBe('chat_locked');
      expect(codeOf(await ask(learners[1]!.socket, 'class:chat', { classId, clientId: randomUUID(), text: 'private', toTeacher: true }))).toBe('ok');
      expect(await control(teacher.socket, classId, { type: 'lock', what: 'chat', locked: false })).toEqual({ ok: true });
      expect(codeOf(await ask(teacher.socket, 'class:chat', { classId, clientId: randomUUID(), text: 'Everyone: page 4' }))).toBe('ok');
      await until(() => atOther.some((m) => m.text === 'Everyone: page 4'), 'the public message');
      expect(atOther.filter((m) => m.toTeacher).map((m) => m.senderId)).toEqual([learners[1]!.id]);
      // History on rejoin: the other learner sees only their own question; the teacher sees both.
      const other = joined(await joinClass(learners[1]!.socket, classId));
      expect(other.messages.filter((m) => m.toTeacher).map((m) => m.senderId)).toEqual([learners[1]!.id]);
      const tj = joined(await joinClass(teacher.socket, classId));
      expect(tj.messages.filter((m) => m.toTeacher)).toHaveLength(2);
    });
  });

  describe('polls', () => {
    it('anonymous polls keep no voter; named polls tell the teacher who chose what; results reach learners when shared; exported as JSON and CSV', async () => {
      const teacherPolls = record<{ poll: PollView }>(teacher.socket, 'class:poll');
      const learnerPolls = record<{ poll: PollView }>(learners[3]!.socket, 'class:poll');
      const anon = await control(teacher.socket, classId, { type: 'poll-create', poll: { question: 'Which is bigger?', options: ['1/2', '2/3'], multiple: false, anonymous: true } });
      const named = await control(teacher.socket, classId, { type: 'poll-create', poll: { question: 'Which did you finish?', options: ['=A', 'B', 'C'], multiple: true, anonymous: false } });
      const anonId = anon.ok ? anon.pollId! : '';
      const namedId = named.ok ? named.pollId! : '';
      expect(await ask(learners[0]!.socket, 'class:vote', { classId, pollId: anonId, choices: [1] })).toEqual({ ok: true });
      expect(codeOf(await ask(learners[0]!.socket, 'class:vote', { classId, pollId: anonId, choices: [0] }))).toBe('already_voted');
      expect(codeOf(await ask(learners[1]!.socket, 'class:vote', { classId, pollId: anonId, choices: [0, 1] }))).toBe('invalid_choice');
      expect(codeOf(await ask(teacher.socket, 'class:vote', { classId, pollId: anonId, choices: [0] }))).toBe('not_a_learner');
      expect(await ask(learners[1]!.socket, 'class:vote', { classId, pollId: namedId, choices: [0, 2] })).toEqual({ ok: true });
      await until(() => teacherPolls.some((p) => p.poll.id === namedId && p.poll.results?.voters === 1), 'live results at the teacher');
      const live = teacherPolls.filter((p) => p.poll.id === namedId).at(-1)!.poll.results!;
      expect(live).toEqual({ counts: [1, 0, 1], voters: 1, named: [{ userId: learners[1]!.id, displayName: 'Test Student', choices: [0, 2] }] });
      expect(learnerPolls.filter((p) => p.poll.results)).toEqual([]);
      expect(await control(teacher.socket, classId, { type: 'poll-close', pollId: anonId })).toEqual({ ok: true });
      expect(codeOf(await ask(learners[2]!.socket, 'class:vote', { classId, pollId: anonId, choices: [0] }))).toBe('poll_closed');
      expect(await control(teacher.socket, classId, { type: 'poll-share', pollId: namedId })).toEqual({ ok: true });
      await until(() => learnerPolls.some((p) => p.poll.id === namedId && p.poll.results), 'shared results at a learner');
      expect(learnerPolls.find((p) => p.poll.id === namedId && p.poll.results)!.poll.results).toEqual({ counts: [1, 0, 1], voters: 1 });

      const json = await teacher.client.get(`/api/classes/${classId}/room/polls`);
      expect(json.status).toBe(200);
      const [a, n] = json.json.polls;
      expect(a.results).toEqual({ counts: [0, 1], voters: 1 });
      expect(n.results.named).toEqual([{ userId: learners[1]!.id, displayName: 'Test Student', choices: [0, 2] }]);
      const csv = await teacher.client.get(`/api/classes/${classId}/room/polls?format=csv`);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(csv.text.split('\r\n')[0]).toBe('poll_id,question,created_at,kind,option,count,voter_id,voter_name');
      expect(csv.text).toContain(`${namedId},Which did you finish?,2026-11-27T10:00:00.000Z,vote,'=A,1,${learners[1]!.id},Test Student`);
      expect(csv.text).not.toContain(learners[0]!.id);
      expect((await learners[0]!.client.get(`/api/classes/${classId}/room/polls`)).status).toBe(403);
      const otherTutor = await person('tutor');
      expect((await otherTutor.client.get(`/api/classes/${classId}/room/polls`)).status).toBe(404);
    });
  });

  describe('lobby', () => {
    it('keeps learners waiting until the teacher admits or refuses; an admitted learner who reloads goes straight in', async () => {
      const lobbyClass = fake.addClass({ tutorId: teacher.id, learners: [learners[0]!.id, learners[1]!.id], lobby: true, roomOpensAt: new Date(T0 - 60_000), endsAt: new Date(T0 + 3_600_000) });
      const ts = await connect(teacher);
      joined(await joinClass(ts, lobbyClass.id));
      const lobby = record<{ waiting: LobbyEntry[] }>(ts, 'class:lobby');
      const a = await connect(learners[0]!);
      const b = await connect(learners[1]!);
      const wa = await joinClass(a, lobbyClass.id);
      expect(wa.ok && wa.status).toBe('waiting');
      expect(codeOf(await ask(a, 'class:hand', { classId: lobbyClass.id, raised: true }))).toBe('not_joined');
      expect((await joinClass(b, lobbyClass.id)).ok).toBe(true);
      await until(() => lobby.at(-1)?.waiting.length === 2, 'two learners in the lobby');
      const admitted = record(a, 'class:admitted');
      const refusedNote = record(b, 'class:refused');
      expect(await control(ts, lobbyClass.id, { type: 'admit', userId: learners[0]!.id })).toEqual({ ok: true });
      expect(await control(ts, lobbyClass.id, { type: 'refuse', userId: learners[1]!.id })).toEqual({ ok: true });
      await until(() => admitted.length === 1 && refusedNote.length === 1, 'the learners to hear the answers');
      expect(joined(await joinClass(a, lobbyClass.id)).self.role).toBe('learner');
      expect(codeOf(await joinClass(b, lobbyClass.id))).toBe('lobby_refused');
      expect(codeOf(await control(ts, lobbyClass.id, { type: 'admit', userId: learners[0]!.id }))).toBe('not_waiting');
      // A reload: a new socket, straight in.
      a.disconnect();
      const again = await connect(learners[0]!);
      expect(joined(await joinClass(again, lobbyClass.id)).self.role).toBe('learner');
      for (const s of [ts, b, again]) s.disconnect();
    });
  });

  describe('removal, state across restarts, timeline and end', () => {
    it('removes a learner, who is told, leaves the media server and cannot rejoin', async () => {
      const gone = record(learners[3]!.socket, 'class:removed');
      expect(await control(teacher.socket, classId, { type: 'remove', userId: learners[3]!.id })).toEqual({ ok: true });
      await until(() => gone.length === 1, 'the removed learner to hear it');
      expect(fake.mediaCalls).toContainEqual({ call: 'remove', classId, userId: learners[3]!.id });
      expect(codeOf(await ask(learners[3]!.socket, 'class:hand', { classId, raised: true }))).toBe('removed');
      const fresh = await connect(learners[3]!);
      expect(await joinClass(fresh, classId)).toEqual({ ok: false, error: { code: 'removed', message: 'The teacher removed you from this class.' } });
      const tj = joined(await joinClass(teacher.socket, classId));
      expect(tj.participants.map((p) => p.userId)).not.toContain(learners[3]!.id);
      expect(tj.state.spotlightUserId).toBeNull();
      fresh.disconnect();
    });

    it("keeps role, hand and mute state across a reconnect and a server restart; the media server gets the stored state back", async () => {
      for (const s of [teacher.socket, ...learners.map((l) => l.socket)]) s.disconnect();
      await until(() => (t.logs().match(/"event":"classroom_left"/g) ?? []).length >= 4, 'the server to see everyone leave');
      await t.close();
      t = await startTestApp(db().database, { login: relaxedLogin }, clock);
      fake = provideFakePorts(t.app.fastify.platform.ports);
      fake.addClass({ tutorId: teacher.id, learners: learners.map((l) => l.id), roomOpensAt: new Date(T0 - 60_000), endsAt: new Date(T0 + 3_600_000) });
      const [cls] = [...fake.classes.values()];
      fake.classes.delete(cls!.id);
      fake.classes.set(classId, { ...cls!, id: classId });
      for (const p of [teacher, ...learners]) p.client = Object.assign(new Client(t.baseUrl), { cookie: p.client.cookie });
      teacher.socket = await connect(teacher);
      const l1 = await connect(learners[1]!);
      const j = joined(await joinClass(l1, classId));
      const me = j.participants.find((p) => p.userId === learners[1]!.id)!;
      expect(j.self.role).toBe('learner');
      expect(me).toMatchObject({ audioMuted: true, audioHeld: true });
      expect(j.hands.map((h) => h.userId)).toEqual([learners[0]!.id]);
      expect(j.state).toMatchObject({ boardLocked: true, penUserId: learners[1]!.id, micsLocked: false });
      expect(j.polls.map((p) => [p.question, p.voted])).toEqual([['Which is bigger?', false], ['Which did you finish?', true]]);
      expect(fake.mediaCalls).toContainEqual({ call: 'apply', classId, userId: learners[1]!.id, state: { audioMuted: true, videoStopped: false } });
      expect(codeOf(await ask(l1, 'class:media', { classId, audioMuted: false, videoStopped: false }))).toBe('muted_by_teacher');
      learners[1]!.socket = l1;
    });

    it('gives admins the timeline of joins, moderation, hands and polls, and refuses it to others', async () => {
      const { client: admin } = await adminClient(t);
      const res = await admin.get(`/api/classes/${classId}/room/timeline`);
      expect(res.status).toBe(200);
      const types = new Set(res.json.events.map((e: { type: string }) => e.type));
      for (const type of ['joined', 'left', 'muted-all', 'allowed', 'locked', 'unlocked', 'camera-stopped', 'pen', 'spotlight', 'hand-raised', 'hand-lowered', 'poll-created', 'poll-closed', 'poll-shared', 'removed']) expect(types).toContain(type);
      expect((await teacher.client.get(`/api/classes/${classId}/room/timeline`)).status).toBe(403);
    });

    it('ends the class for everyone: the media server ends the room and later joins are refused', async () => {
      const ended = record(learners[1]!.socket, 'class:ended');
      joined(await joinClass(teacher.socket, classId));
      expect(await control(teacher.socket, classId, { type: 'end' })).toEqual({ ok: true });
      await until(() => ended.length === 1, 'the end to reach a learner');
      expect(fake.mediaCalls).toContainEqual({ call: 'end', classId });
      expect(fake.attendance).toContainEqual({ classId, userId: learners[1]!.id, kind: 'leave' });
      expect(codeOf(await joinClass(learners[1]!.socket, classId))).toBe('class_ended');
      expect(codeOf(await ask(learners[1]!.socket, 'class:hand', { classId, raised: false }))).toBe('class_ended');
      expect(t.logs()).toContain('"event":"classroom_ended"');
    });
  });
});
