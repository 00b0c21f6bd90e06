import type { ChatMessage, RoomAck, RoomJoined } from '@tutorline/contracts';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, leaksInternals, relaxedLogin, signUpStudent, signUpTutor, staffClient, startTestApp, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { SocketPool, type TestSocket } from '../../../test/sockets';
import { schema } from '../../../test/schema';

const MINUTE = 60_000;
class SetClock {
  constructor(private t: number) {}
  now = () => new Date(this.t);
  set(at: Date) {
    this.t = at.getTime();
  }
}
type AnySocket = { timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<any> }; on(e: string, l: (p: any) => void): void };
const ask = <T = object>(socket: TestSocket, event: string, payload: unknown): Promise<RoomAck<T>> => (socket as unknown as AnySocket).timeout(5_000).emitWithAck(event, payload);
function record<T>(socket: TestSocket, event: string): T[] {
  const got: T[] = [];
  (socket as unknown as AnySocket).on(event, (p: T) => got.push(p));
  return got;
}
async function until(check: () => boolean, what: string, ms = 5_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
let clientIds = 0;
const chat = (socket: TestSocket, sessionId: string, text: string) =>
  ask<{ message: ChatMessage; warning?: string }>(socket, 'room:chat', { sessionId, clientId: `00000000-0000-4000-8000-${String(++clientIds).padStart(12, '0')}`, text });

describeEachBackend('safety: contact details masked for minors, flags, reports and escalation', ({ db }) => {
  let t: TestApp;
  const clock = new SetClock(Date.parse('2026-12-07T09:00:00.000Z'));
  const sockets = new SocketPool();
  const people = { minor: new Client(''), adult: new Client(''), tutor: new Client(''), tutor2: new Client('') };
  const ids = { minor: '', adult: '', tutor: '', tutor2: '', minorSession: '', adultSession: '' };
  let ops: { client: Client; id: string };
  const sockOf: Record<string, TestSocket> = {};

  const insertSession = async (studentId: string, tutorId: string, extra: Record<string, unknown> = {}) =>
    (await db().database.db.insert(schema.tutoringSessions).values({ kind: 'instant', studentId, tutorId, startedAt: clock.now(), ...extra }).returning())[0]!.id;
  const join = async (who: keyof typeof people, sessionId: string) => {
    sockOf[who] ??= (await sockets.connect(t.baseUrl, people[who].cookie)).socket;
    const ack = await ask<RoomJoined>(sockOf[who], 'room:join', { sessionId });
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
    return ack as { ok: true } & RoomJoined;
  };

  beforeAll(async () => {
    t = await startTestApp(db().database, { login: relaxedLogin }, clock, { manualJobs: true });
    for (const k of Object.keys(people) as (keyof typeof people)[]) people[k] = new Client(t.baseUrl);
    ids.minor = (await signUpStudent(people.minor, { birthDate: '2011-05-01', guardianContact: 'parent@example.org' })).user.id;
    ids.adult = (await signUpStudent(people.adult)).user.id;
    ids.tutor = (await signUpTutor(people.tutor)).user.id;
    ids.tutor2 = (await signUpTutor(people.tutor2)).user.id;
    ids.minorSession = await insertSession(ids.minor, ids.tutor);
    ids.adultSession = await insertSession(ids.adult, ids.tutor2);
    const staff = await staffClient(t, ['ops']);
    ops = { client: staff.client, id: staff.user.id };
  });
  afterAll(async () => {
    sockets.closeAll();
    await t?.close();
  });

  it('shows the review notice in a minor’s room only, masks contact details towards a minor before delivery, and warns the sender', async () => {
    const joined = await join('minor', ids.minorSession);
    expect(joined.reviewNotice).toBe('For safety, sessions with students under 18 may be reviewed by Tutorline.');
    expect((await join('tutor', ids.minorSession)).reviewNotice).toBe('For safety, sessions with students under 18 may be reviewed by Tutorline.');
    const seen = record<ChatMessage>(sockOf.minor!, 'room:chat');

    const sent = await chat(sockOf.tutor!, ids.minorSession, 'text me: nine eight seven 6 5 4 3 2 1 0 or riya at gmail dot com');
    expect(sent.ok).toBe(true);
    if (!sent.ok) return;
    expect(sent.message.text).toBe('text me: ••• or •••');
    expect(sent.warning).toMatch(/phone numbers, email addresses.*can't be shared with students under 18/);
    await until(() => seen.length === 1, 'the student to get the message');
    expect(seen[0]!.text).toBe('text me: ••• or •••');
    // The stored message is the masked one; the original is kept only as safety evidence.
    const stored = await db().database.db.select({ body: schema.roomMessages.body }).from(schema.roomMessages).where(eq(schema.roomMessages.sessionId, ids.minorSession));
    expect(stored.map((m) => m.body)).toEqual(['text me: ••• or •••']);
    const attempts = await db().database.db.select().from(schema.safetyContactAttempts).where(eq(schema.safetyContactAttempts.sessionId, ids.minorSession));
    expect(attempts).toMatchObject([{ senderId: ids.tutor, surface: 'chat', categories: ['phone', 'email'], original: 'text me: nine eight seven 6 5 4 3 2 1 0 or riya at gmail dot com' }]);
    expect(t.logs()).toContain('"event":"contact_details_masked"');

    // Normal maths passes untouched.
    const maths = await chat(sockOf.tutor!, ids.minorSession, 'So 2x + 3 = 11 and x = 4; see you at 10:30');
    expect(maths.ok && [maths.message.text, maths.warning]).toEqual(['So 2x + 3 = 11 and x = 4; see you at 10:30', undefined]);
  });

  it('delivers contact details between adults as written, with no notice and no warning', async () => {
    const joined = await join('adult', ids.adultSession);
    expect(joined.reviewNotice).toBeUndefined();
    await join('tutor2', ids.adultSession);
    const sent = await chat(sockOf.tutor2!, ids.adultSession, 'my number is 9876543210');
    expect(sent.ok && [sent.message.text, sent.warning]).toEqual(['my number is 9876543210', undefined]);
    expect(await db().database.db.select().from(schema.safetyContactAttempts).where(eq(schema.safetyContactAttempts.sessionId, ids.adultSession))).toEqual([]);
  });

  it('flags the third attempt in a session to ops, once', async () => {
    expect((await ops.client.get('/api/admin/safety/flags')).json.flags).toEqual([]);
    await chat(sockOf.tutor!, ids.minorSession, 'snap: riya_22');
    expect((await ops.client.get('/api/admin/safety/flags')).json.flags).toEqual([]);
    await chat(sockOf.tutor!, ids.minorSession, 'pay me on paytm, 98765 43210');
    await chat(sockOf.tutor!, ids.minorSession, 'www.riyatutors.com');
    const flags = (await ops.client.get('/api/admin/safety/flags')).json.flags;
    expect(flags).toMatchObject([{ kind: 'repeat_contact', userId: ids.tutor, sessionId: ids.minorSession, detail: { reached: 'session', inSession: 3 } }]);
    expect(t.logs()).toContain('"event":"safety_flag_raised"');
    // Students and tutors cannot read the flag list.
    expect((await people.tutor.get('/api/admin/safety/flags')).status).toBe(403);
  });

  it('takes a report from the session, holds its evidence, shows it to ops with the chat and the masked originals, and releases the hold when closed', async () => {
    const bad = await people.minor.post('/api/safety/reports', { sessionId: ids.minorSession, category: 'nonsense' });
    expect(bad.status).toBe(400);
    expect(leaksInternals(bad.text)).toBe(false);
    const stranger = await people.adult.post('/api/safety/reports', { sessionId: ids.minorSession, category: 'other', text: 'x' });
    expect(stranger.status).toBe(404);
    expect(await db().database.db.select().from(schema.safetyReports)).toEqual([]);

    const res = await people.minor.post('/api/safety/reports', { sessionId: ids.minorSession, category: 'contact_request', text: 'He keeps asking for my number', source: 'room' });
    expect(res.status, res.text).toBe(201);
    expect(res.json).toMatchObject({ status: 'open', severe: false, category: 'contact_request', blocked: false });
    expect(await t.app.fastify.safety.safety.sessionsOnLegalHold([ids.minorSession, ids.adultSession])).toEqual(new Set([ids.minorSession]));

    const queue = await ops.client.get('/api/admin/safety/reports');
    expect(queue.json.reports.map((r: { id: string }) => r.id)).toEqual([res.json.id]);
    const full = await ops.client.get(`/api/admin/safety/reports/${res.json.id}`);
    expect(full.json).toMatchObject({ reporter: { id: ids.minor, role: 'student' }, reported: { id: ids.tutor, role: 'tutor' }, source: 'room', sessionLink: `/session/${ids.minorSession}` });
    expect(full.json.chat[0]).toMatchObject({ senderId: ids.tutor, text: 'text me: ••• or •••' });
    expect(full.json.contactAttempts).toHaveLength(4);
    expect(full.json.contactAttempts[0].original).toContain('riya at gmail dot com');
    expect((await people.minor.get(`/api/admin/safety/reports/${res.json.id}`)).status).toBe(403);

    expect((await ops.client.post(`/api/admin/safety/reports/${res.json.id}/close`, { resolution: '' })).status).toBe(400);
    const closed = await ops.client.post(`/api/admin/safety/reports/${res.json.id}/close`, { resolution: 'Warned the tutor' });
    expect(closed.status, closed.text).toBe(200);
    expect(closed.json.status).toBe('closed');
    expect((await ops.client.post(`/api/admin/safety/reports/${res.json.id}/close`, { resolution: 'again' })).status).toBe(409);
    expect(await t.app.fastify.safety.safety.sessionsOnLegalHold([ids.minorSession])).toEqual(new Set());
    const audit = await db().database.db.select().from(schema.auditLog).where(and(eq(schema.auditLog.action, 'safety.report_closed'), eq(schema.auditLog.objectId, res.json.id)));
    expect(audit).toMatchObject([{ actorId: ops.id, reason: 'Warned the tutor' }]);
  });

  it('alerts ops at once on a severe report and holds the tutor’s question alerts until it is closed', async () => {
    const safety = t.app.fastify.safety.safety;
    expect(await safety.withheldTutors(ids.adult, [ids.tutor, ids.tutor2])).toEqual(new Set());
    const res = await people.minor.post('/api/safety/reports', { sessionId: ids.minorSession, category: 'grooming', text: 'He asked me to keep a secret from my parents' });
    expect(res.status, res.text).toBe(201);
    expect(res.json.severe).toBe(true);
    const notices = await db()
      .database.db.select({ userId: schema.userNotifications.userId, kind: schema.userNotifications.kind })
      .from(schema.userNotifications)
      .where(inArray(schema.userNotifications.userId, [ops.id, ids.minor, ids.tutor]));
    expect(notices).toEqual([{ userId: ops.id, kind: 'safety.severe_report' }]);
    // Held for every student's questions, not only the reporter's.
    expect(await safety.withheldTutors(ids.adult, [ids.tutor, ids.tutor2])).toEqual(new Set([ids.tutor]));
    const flags = (await ops.client.get('/api/admin/safety/flags')).json.flags;
    expect(flags[0]).toMatchObject({ kind: 'severe_report', userId: ids.tutor });
    expect(t.logs()).toContain('"event":"safety_alerts_held"');
    await ops.client.post(`/api/admin/safety/reports/${res.json.id}/close`, { resolution: 'Reviewed the recording; tutor suspended by hand' });
    expect(await safety.withheldTutors(ids.adult, [ids.tutor])).toEqual(new Set());
  });

  it('alerts ops when a minor’s instant call runs past its expected end plus 30 minutes, once, and never for an adult’s', async () => {
    const started = clock.now();
    const longCallFlags = async () => (await ops.client.get('/api/admin/safety/flags')).json.flags.filter((f: { kind: string }) => f.kind === 'long_call');
    clock.set(new Date(started.getTime() + 59 * MINUTE));
    await t.app.jobs.drain();
    expect(await longCallFlags()).toEqual([]);
    clock.set(new Date(started.getTime() + 61 * MINUTE));
    await t.app.jobs.drain();
    expect(await longCallFlags()).toMatchObject([{ sessionId: ids.minorSession, userId: ids.tutor, detail: { studentId: ids.minor, minutesOver: 31 } }]);
    clock.set(new Date(started.getTime() + 75 * MINUTE));
    await t.app.jobs.drain();
    expect(await longCallFlags()).toHaveLength(1);
    const notices = await db().database.db.select({ kind: schema.userNotifications.kind }).from(schema.userNotifications).where(eq(schema.userNotifications.userId, ops.id));
    expect(notices.filter((n) => n.kind === 'safety.long_call')).toHaveLength(1);
    expect(t.logs()).toContain('"kind":"long_call"');
  });
});
