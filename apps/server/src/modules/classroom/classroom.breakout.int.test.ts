import { randomUUID } from 'node:crypto';
import type { BreakoutView, ClassChatMessage, ClassJoined } from '@tutorline/contracts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { describeEachBackend } from '../../../test/db';
import { Client, relaxedLogin, signUpStudent, signUpTutor, startTestApp, type TestApp } from '../../../test/app';
import { SocketPool, type TestSocket } from '../../../test/sockets';
import { ask, control, joinClass, provideFakePorts, record, until } from './classroom.testkit';

const T0 = Date.parse('2026-11-27T10:00:00Z');
const joined = (r: Awaited<ReturnType<typeof joinClass>>): Extract<ClassJoined, { status: 'joined' }> => {
  if (!r.ok || r.status !== 'joined') throw new Error(`not joined: ${JSON.stringify(r)}`);
  return r;
};
const codeOf = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code);
/** A real board change: one key in the shared map. */
function boardUpdate(key: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getMap('scene').set(key, true);
  return Y.encodeStateAsUpdate(doc);
}
const boardKeys = (update: Uint8Array) => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, new Uint8Array(update));
  return [...doc.getMap('scene').keys()].sort();
};
type Person = { id: string; client: Client; socket: TestSocket };

describeEachBackend('breakout rooms over Socket.IO', ({ db }) => {
  // The injected clock: the timer's job comes due only when the test moves it.
  let now = T0;
  const clock = { now: () => new Date(now) };
  let t: TestApp;
  let fake: ReturnType<typeof provideFakePorts>;
  const sockets = new SocketPool();
  let teacher: Person;
  let learners: Person[];
  let classId: string;
  let breakout: BreakoutView;
  const groupOf = (userId: string) => breakout.groups.find((g) => g.userIds.includes(userId))!;
  const inGroup = (n: number) => learners.filter((l) => groupOf(l.id).number === n);

  const connect = async (p: { client: Client }) => (await sockets.connect(t.baseUrl, p.client.cookie)).socket;
  async function person(kind: 'tutor' | 'student') {
    const client = new Client(t.baseUrl);
    const { user } = kind === 'tutor' ? await signUpTutor(client) : await signUpStudent(client);
    return { id: user.id, client };
  }
  async function start(app: TestApp) {
    t = app;
    fake = provideFakePorts(t.app.fastify.platform.ports);
  }

  beforeAll(async () => {
    await start(await startTestApp(db().database, { login: relaxedLogin }, clock));
    const tu = await person('tutor');
    const ls = await Promise.all([1, 2, 3, 4, 5].map(() => person('student')));
    classId = fake.addClass({ tutorId: tu.id, learners: ls.map((l) => l.id), roomOpensAt: new Date(T0 - 60_000), endsAt: new Date(T0 + 3 * 3_600_000) }).id;
    teacher = { ...tu, socket: await connect(tu) };
    learners = await Promise.all(ls.map(async (l) => ({ ...l, socket: await connect(l) })));
    for (const p of [teacher, ...learners]) joined(await joinClass(p.socket, classId));
  });
  afterAll(async () => {
    sockets.closeAll();
    await t?.close();
  });

  it("refuses a learner's breakout commands as teacher_only, and nothing is stored", async () => {
    for (const command of [
      { type: 'breakout-start', split: { mode: 'random', count: 2 }, minutes: 5 },
      { type: 'breakout-visit', groupId: null },
      { type: 'breakout-broadcast', text: 'hi' },
      { type: 'breakout-close' },
    ])
      expect(await control(learners[0]!.socket, classId, command)).toEqual({ ok: false, error: { code: 'teacher_only', message: 'Only the teacher can do that.' } });
    expect(joined(await joinClass(teacher.socket, classId)).breakout).toBeNull();
    expect(t.logs()).toContain('"event":"classroom_command_refused"');
  });

  it('refuses a bad split with clear words: more groups than learners, a learner twice, someone not in the class, a malformed command', async () => {
    expect(await control(teacher.socket, classId, { type: 'breakout-start', split: { mode: 'random', count: 6 }, minutes: 5 })).toEqual({
      ok: false,
      error: { code: 'breakout_too_few_learners', message: 'There are not enough learners for that many groups (at least one each, and at least 2 groups).' },
    });
    const [a, b, c] = learners;
    expect(codeOf(await control(teacher.socket, classId, { type: 'breakout-start', split: { mode: 'chosen', groups: [[a!.id, b!.id], [b!.id]] }, minutes: 5 }))).toBe('breakout_learner_twice');
    expect(codeOf(await control(teacher.socket, classId, { type: 'breakout-start', split: { mode: 'chosen', groups: [[a!.id], [teacher.id]] }, minutes: 5 }))).toBe('breakout_not_a_learner');
    expect(codeOf(await control(teacher.socket, classId, { type: 'breakout-start', split: { mode: 'random', count: 2 }, minutes: 0 }))).toBe('validation_failed');
    expect(codeOf(await control(teacher.socket, classId, { type: 'breakout-visit', groupId: c!.id }))).toBe('no_breakout');
    expect(joined(await joinClass(teacher.socket, classId)).breakout).toBeNull();
  });

  it('splits the learners at random into two groups, tells everyone, and a reloaded learner lands back in their group', async () => {
    const heard = learners.map((l) => record<{ breakout: BreakoutView | null }>(l.socket, 'class:breakout'));
    expect(await control(teacher.socket, classId, { type: 'breakout-start', split: { mode: 'random', count: 2 }, minutes: 5 })).toEqual({ ok: true });
    await until(() => heard.every((h) => h.length === 1), 'every learner to hear of the groups');
    breakout = heard[0]![0]!.breakout!;
    expect(breakout.endsAt).toBe(new Date(T0 + 5 * 60_000).toISOString());
    expect(breakout.groups.map((g) => g.number)).toEqual([1, 2]);
    expect(breakout.groups.map((g) => g.userIds.length).sort()).toEqual([2, 3]);
    expect(breakout.groups.flatMap((g) => g.userIds).sort()).toEqual(learners.map((l) => l.id).sort());
    expect(codeOf(await control(teacher.socket, classId, { type: 'breakout-start', split: { mode: 'random', count: 2 }, minutes: 5 }))).toBe('breakout_running');

    // A reload: a new socket for learner 0 lands in the same group (it hears that group's chat).
    const l0 = learners[0]!;
    l0.socket.disconnect();
    l0.socket = await connect(l0);
    const again = joined(await joinClass(l0.socket, classId));
    expect(again.breakout?.id).toBe(breakout.id);
    expect(again.breakout?.groups.find((g) => g.userIds.includes(l0.id))?.id).toBe(groupOf(l0.id).id);
    const standing = await t.app.fastify.classroom.mediaStanding(classId, l0.id);
    expect(standing.ok && standing.value.groupId).toBe(groupOf(l0.id).id);
    expect(t.logs()).toContain('"event":"classroom_breakout_started"');
  });

  it("keeps each group's chat and board to the group, also after a reload", async () => {
    const [g1a, g1b] = inGroup(1);
    const g2 = inGroup(2)[0]!;
    const chat1 = record<ClassChatMessage>(g1b!.socket, 'class:chat');
    const chat2 = record<ClassChatMessage>(g2.socket, 'class:chat');
    const board1 = record<{ update: Uint8Array }>(g1b!.socket, 'class:board');
    const board2 = record<{ update: Uint8Array }>(g2.socket, 'class:board');
    expect(codeOf(await ask(g1a!.socket, 'class:chat', { classId, clientId: randomUUID(), text: 'group one here' }))).toBe('ok');
    expect(await ask(g1a!.socket, 'class:board', { classId, update: boardUpdate('one') })).toEqual({ ok: true });
    expect(codeOf(await ask(g2.socket, 'class:chat', { classId, clientId: randomUUID(), text: 'group two here' }))).toBe('ok');
    expect(await ask(g2.socket, 'class:board', { classId, update: boardUpdate('two') })).toEqual({ ok: true });
    await until(() => chat1.length === 1 && board1.length === 1 && chat2.length === 1, 'each group to hear its own');
    expect(chat1.map((m) => [m.text, m.classId])).toEqual([['group one here', classId]]);
    expect(chat2.map((m) => m.text)).toEqual(['group two here']);
    expect(board2).toEqual([]);
    // What a rejoin loads is the group's chat and board.
    const j1 = joined(await joinClass(g1b!.socket, classId));
    expect(j1.messages.map((m) => m.text)).toEqual(['group one here']);
    expect(boardKeys(j1.board)).toEqual(['one']);
    const j2 = joined(await joinClass(g2.socket, classId));
    expect(j2.messages.map((m) => m.text)).toEqual(['group two here']);
    expect(boardKeys(j2.board)).toEqual(['two']);
    // The teacher in the main room sees neither group's, and the main room's chat and board stay out of the groups.
    const tj = joined(await joinClass(teacher.socket, classId));
    expect(tj.messages).toEqual([]);
    expect(boardKeys(tj.board)).toEqual([]);
    expect(codeOf(await ask(teacher.socket, 'class:chat', { classId, clientId: randomUUID(), text: 'main room only' }))).toBe('ok');
    expect(await ask(teacher.socket, 'class:board', { classId, update: boardUpdate('main') })).toEqual({ ok: true });
    // A group message sent after them arrives; had the main room's reached the group, it would have come first.
    expect(codeOf(await ask(g1a!.socket, 'class:chat', { classId, clientId: randomUUID(), text: 'group one again' }))).toBe('ok');
    await until(() => chat1.length === 2, 'the later group message');
    expect(chat1.map((m) => m.text)).toEqual(['group one here', 'group one again']);
    expect(chat2.map((m) => m.text)).toEqual(['group two here']);
    expect(board1).toHaveLength(1);
  });

  it("lets the teacher visit a group: they then share that group's chat and board, and only that group hears them", async () => {
    const g1 = inGroup(1)[0]!;
    const g2 = inGroup(2)[0]!;
    const chat1 = record<ClassChatMessage>(g1.socket, 'class:chat');
    const chat2 = record<ClassChatMessage>(g2.socket, 'class:chat');
    const views = record<{ breakout: BreakoutView }>(g1.socket, 'class:breakout');
    const group2 = breakout.groups.find((g) => g.number === 2)!;
    expect(codeOf(await control(teacher.socket, classId, { type: 'breakout-visit', groupId: randomUUID() }))).toBe('no_such_group');
    expect(await control(teacher.socket, classId, { type: 'breakout-visit', groupId: group2.id })).toEqual({ ok: true });
    await until(() => views.at(-1)?.breakout.visitingGroupId === group2.id, 'the visit to be told');
    const tj = joined(await joinClass(teacher.socket, classId));
    expect(tj.messages.map((m) => m.text)).toEqual(['group two here']);
    expect(boardKeys(tj.board)).toEqual(['two']);
    expect(codeOf(await ask(teacher.socket, 'class:chat', { classId, clientId: randomUUID(), text: 'How is group two doing?' }))).toBe('ok');
    await until(() => chat2.some((m) => m.text === 'How is group two doing?'), 'group two to hear the teacher');
    expect(chat1).toEqual([]);
    const standing = await t.app.fastify.classroom.mediaStanding(classId, teacher.id);
    expect(standing.ok && standing.value.groupId).toBe(group2.id);
    expect(await control(teacher.socket, classId, { type: 'breakout-visit', groupId: null })).toEqual({ ok: true });
  });

  it('broadcasts one message to every group, kept for a learner who reloads', async () => {
    const heard = learners.map((l) => record<{ text: string }>(l.socket, 'class:breakout:broadcast'));
    expect(await control(teacher.socket, classId, { type: 'breakout-broadcast', text: 'Two minutes left' })).toEqual({ ok: true });
    await until(() => heard.every((h) => h.length === 1), 'every learner in every group to hear the broadcast');
    expect(heard.map((h) => h[0]!.text)).toEqual(learners.map(() => 'Two minutes left'));
    expect(joined(await joinClass(learners[3]!.socket, classId)).breakout?.broadcast).toEqual({ text: 'Two minutes left', sentAt: new Date(now).toISOString() });
  });

  it('closes the groups through the durable job when the injected clock reaches their end, and everyone is back in the main room', async () => {
    const heard = learners.map((l) => record<{ breakout: BreakoutView | null; closedBy?: string }>(l.socket, 'class:breakout'));
    now = T0 + 5 * 60_000 - 1;
    await t.app.jobs.drain();
    expect(joined(await joinClass(teacher.socket, classId)).breakout?.id).toBe(breakout.id);
    now = T0 + 5 * 60_000;
    await t.app.jobs.drain();
    await until(() => heard.every((h) => h.some((e) => e.breakout === null && e.closedBy === 'timer')), 'every learner to be brought back');
    const back = joined(await joinClass(learners[0]!.socket, classId));
    expect(back.breakout).toBeNull();
    // Back in the main room: its chat and board, not the group's.
    expect(back.messages.map((m) => m.text)).toEqual(['main room only']);
    expect(boardKeys(back.board)).toEqual(['main']);
    // Main-room chat reaches learners of both former groups again.
    const chat = learners.map((l) => record<ClassChatMessage>(l.socket, 'class:chat'));
    expect(codeOf(await ask(teacher.socket, 'class:chat', { classId, clientId: randomUUID(), text: 'Welcome back' }))).toBe('ok');
    await until(() => chat.every((c) => c.some((m) => m.text === 'Welcome back')), 'everyone to hear the main room');
    expect(t.logs()).toMatch(/"event":"classroom_breakout_closed"[^\n]*"by":"timer"/);
  });

  it("takes the teacher's own groups, keeps them across a server restart, and brings everyone back on request", async () => {
    const [a, b, c, d] = learners;
    expect(await control(teacher.socket, classId, { type: 'breakout-start', split: { mode: 'chosen', groups: [[a!.id, b!.id], [c!.id]] }, minutes: 10 })).toEqual({ ok: true });
    for (const s of [teacher.socket, ...learners.map((l) => l.socket)]) s.disconnect();
    await t.close();
    await start(await startTestApp(db().database, { login: relaxedLogin }, clock));
    // The new app's stand-in for the classes module knows the same class under the same id.
    const again = fake.addClass({ tutorId: teacher.id, learners: learners.map((l) => l.id), roomOpensAt: new Date(T0 - 60_000), endsAt: new Date(T0 + 3 * 3_600_000) });
    fake.classes.delete(again.id);
    fake.classes.set(classId, { ...again, id: classId });
    for (const p of [teacher, ...learners]) {
      p.client = Object.assign(new Client(t.baseUrl), { cookie: p.client.cookie });
      p.socket = await connect(p);
    }
    const jc = joined(await joinClass(c!.socket, classId));
    expect(jc.breakout?.groups.map((g) => [...g.userIds].sort())).toEqual([[a!.id, b!.id].sort(), [c!.id]]);
    const standing = await t.app.fastify.classroom.mediaStanding(classId, c!.id);
    expect(standing.ok && standing.value.groupId).toBe(jc.breakout!.groups[1]!.id);
    // d was left out of the split: the main room.
    joined(await joinClass(d!.socket, classId));
    const left = await t.app.fastify.classroom.mediaStanding(classId, d!.id);
    expect(left.ok && left.value.groupId).toBeNull();
    joined(await joinClass(teacher.socket, classId));
    const heard = record<{ breakout: BreakoutView | null; closedBy?: string }>(c!.socket, 'class:breakout');
    expect(await control(teacher.socket, classId, { type: 'breakout-close' })).toEqual({ ok: true });
    await until(() => heard.some((e) => e.breakout === null && e.closedBy === 'teacher'), 'the learner to be brought back');
    expect(codeOf(await control(teacher.socket, classId, { type: 'breakout-close' }))).toBe('no_breakout');
    // The timer's job for the closed split finds nothing to do.
    now = T0 + 60 * 60_000;
    await t.app.jobs.drain();
    expect(joined(await joinClass(c!.socket, classId)).breakout).toBeNull();
  });
});
