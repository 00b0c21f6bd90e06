import type { RoomAck, RoomJoined } from '@tutorline/contracts';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../../test/schema';
import { describeEachBackend } from '../../../test/db';
import { adminClient, Client, relaxedLogin, signUpStudent, signUpTutor, startTestApp, type TestApp } from '../../../test/app';
import { SocketPool, type TestSocket } from '../../../test/sockets';

type AnySocket = { timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<any> } };
const ask = <T = object>(socket: TestSocket, event: string, payload: unknown): Promise<RoomAck<T>> => (socket as unknown as AnySocket).timeout(5_000).emitWithAck(event, payload);
function record<T>(socket: TestSocket, event: string): T[] {
  const got: T[] = [];
  (socket as unknown as { on(e: string, l: (p: T) => void): void }).on(event, (p) => got.push(p));
  return got;
}
async function until(check: () => boolean, what: string, ms = 5_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** What stays of a session for each participant: how far they read its chat, and their rating of the other person. */
describeEachBackend('rooms: chat read marks and each side rating the other', ({ db }) => {
  let t: TestApp;
  const clock = { now: () => new Date('2026-11-27T10:00:00Z') };
  const sockets = new SocketPool();
  let student: Client;
  let tutor: Client;
  let stranger: Client;
  let admin: Client;
  let ids: { student: string; tutor: string; session: string };

  beforeAll(async () => {
    t = await startTestApp(db().database, { login: relaxedLogin }, clock);
    student = new Client(t.baseUrl);
    tutor = new Client(t.baseUrl);
    stranger = new Client(t.baseUrl);
    const st = await signUpStudent(student);
    const tt = await signUpTutor(tutor);
    await signUpStudent(stranger);
    ({ client: admin } = await adminClient(t));
    const [row] = await db().database.db.insert(schema.tutoringSessions).values({ kind: 'instant', studentId: st.user.id, tutorId: tt.user.id, startedAt: clock.now() }).returning();
    ids = { student: st.user.id, tutor: tt.user.id, session: row!.id };
  });
  afterAll(async () => {
    sockets.closeAll();
    await t?.close();
  });

  describe('chat read marks', () => {
    it('keeps how far each user read the chat on the server: a reload (a new socket) starts from it, it never moves back, and their other devices hear of it', async () => {
      const s = (await sockets.connect(t.baseUrl, student.cookie)).socket;
      const tu = (await sockets.connect(t.baseUrl, tutor.cookie)).socket;
      const first = await ask<RoomJoined>(s, 'room:join', { sessionId: ids.session });
      expect(first.ok && first.lastReadMessageId).toBe(null);
      expect((await ask(tu, 'room:join', { sessionId: ids.session })).ok).toBe(true);
      const sent: number[] = [];
      for (const text of ['one', 'two', 'three']) {
        const r = await ask<{ message: { id: number } }>(tu, 'room:chat', { sessionId: ids.session, clientId: crypto.randomUUID(), text });
        if (r.ok) sent.push(r.message.id);
      }
      expect(sent).toHaveLength(3);

      // The student's phone is in the room too: it hears when the laptop read the chat.
      const phone = (await sockets.connect(t.baseUrl, student.cookie)).socket;
      expect((await ask(phone, 'room:join', { sessionId: ids.session })).ok).toBe(true);
      const heard = record<{ sessionId: string; lastReadMessageId: number }>(phone, 'room:read');
      expect(await ask(s, 'room:read', { sessionId: ids.session, messageId: sent[1] })).toEqual({ ok: true, lastReadMessageId: sent[1] });
      await until(() => heard.length > 0, 'the other device to hear of the read mark');
      expect(heard[0]).toEqual({ sessionId: ids.session, lastReadMessageId: sent[1] });
      // An older mark (a slow tab) does not move it back.
      expect(await ask(s, 'room:read', { sessionId: ids.session, messageId: sent[0] })).toEqual({ ok: true, lastReadMessageId: sent[1] });

      // A reload: a new socket joins with the mark, so only "three" counts as unread. The tutor's mark is their own.
      s.disconnect();
      const reloaded = (await sockets.connect(t.baseUrl, student.cookie)).socket;
      const again = await ask<RoomJoined>(reloaded, 'room:join', { sessionId: ids.session });
      expect(again.ok && again.lastReadMessageId).toBe(sent[1]);
      expect(again.ok && again.messages.filter((m) => m.id > again.lastReadMessageId! && m.senderId !== ids.student).map((m) => m.text)).toEqual(['three']);
      const tutorAgain = await ask<RoomJoined>((await sockets.connect(t.baseUrl, tutor.cookie)).socket, 'room:join', { sessionId: ids.session });
      expect(tutorAgain.ok && tutorAgain.lastReadMessageId).toBe(null);
      const rows = await db().database.db.select().from(schema.sessionChatReads).where(eq(schema.sessionChatReads.sessionId, ids.session));
      expect(rows.map((r) => [r.userId, r.lastReadMessageId])).toEqual([[ids.student, sent[1]]]);
    });

    it('refuses a mark from a socket not in the room, and a malformed one, changing nothing', async () => {
      const x = (await sockets.connect(t.baseUrl, stranger.cookie)).socket;
      expect(await ask(x, 'room:read', { sessionId: ids.session, messageId: 1_000_000 })).toMatchObject({ ok: false, error: { code: 'not_joined' } });
      expect(await ask(x, 'room:read', { sessionId: ids.session, messageId: -1 })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      const rows = await db().database.db.select().from(schema.sessionChatReads).where(eq(schema.sessionChatReads.sessionId, ids.session));
      expect(rows).toHaveLength(1);
    });
  });

  describe('ratings', () => {
    const rating = (raterId: string) =>
      db()
        .database.db.select()
        .from(schema.sessionRatings)
        .where(and(eq(schema.sessionRatings.sessionId, ids.session), eq(schema.sessionRatings.raterId, raterId)));

    it('waits for the session to end, then the tutor rates the student and the student the tutor, each once, stored per side', async () => {
      const early = await tutor.post(`/api/sessions/${ids.session}/rating`, { stars: 4 });
      expect(early.status).toBe(409);
      expect(early.json.error.message).toBe('You can rate the session once it has ended.');
      expect((await student.post(`/api/sessions/${ids.session}/end`)).status).toBe(200);

      const byTutor = await tutor.post(`/api/sessions/${ids.session}/rating`, { stars: 4, comment: 'Came prepared' });
      expect(byTutor.status, byTutor.text).toBe(200);
      expect(byTutor.json).toMatchObject({ id: ids.session, status: 'ended', yourRating: 4 });
      // The student has not rated yet: their view says so; the tutor's stars are not shown to them.
      expect((await student.get(`/api/sessions/${ids.session}`)).json.yourRating).toBe(null);
      const byStudent = await student.post(`/api/sessions/${ids.session}/rating`, { stars: 5 });
      expect(byStudent.json.yourRating).toBe(5);

      expect(await rating(ids.tutor)).toMatchObject([{ rateeId: ids.student, raterRole: 'tutor', stars: 4, comment: 'Came prepared' }]);
      expect(await rating(ids.student)).toMatchObject([{ rateeId: ids.tutor, raterRole: 'student', stars: 5, comment: null }]);
      const twice = await tutor.post(`/api/sessions/${ids.session}/rating`, { stars: 1 });
      expect(twice.status).toBe(409);
      expect(twice.json.error.message).toBe('You already rated this session.');
      expect((await rating(ids.tutor))[0]!.stars).toBe(4);
      expect(t.logs()).toContain('"event":"session_rated"');
    });

    it('refuses anyone else, and bad stars, with a clear error', async () => {
      expect((await stranger.post(`/api/sessions/${ids.session}/rating`, { stars: 3 })).status).toBe(404);
      expect((await admin.post(`/api/sessions/${ids.session}/rating`, { stars: 3 })).status).toBe(403);
      const bad = await tutor.post(`/api/sessions/${ids.session}/rating`, { stars: 0 });
      expect(bad.status).toBe(400);
      expect(bad.json.error.details.fields).toEqual([{ path: 'body.stars', message: 'choose 1 to 5 stars' }]);
      expect(await db().database.db.select().from(schema.sessionRatings).where(eq(schema.sessionRatings.sessionId, ids.session))).toHaveLength(2);
    });
  });
});
