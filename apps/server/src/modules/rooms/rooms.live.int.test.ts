import { ROOM_LIMITS, type ChatMessage, type RoomAck, type RoomJoined } from '@tutorline/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { schema } from '../../../test/schema';
import { describeEachBackend } from '../../../test/db';
import { adminClient, Client, leaksInternals, relaxedLogin, signUpStudent, signUpTutor, startTestApp, type TestApp } from '../../../test/app';
import { jpegBytes } from '../../../test/help';
import { heartbeat, nextEvent, SocketPool, type TestSocket } from '../../../test/sockets';

/** A clock the test moves by hand (time together is measured on it). */
class ManualClock {
  constructor(private t = Date.parse('2026-11-27T10:00:00Z')) {}
  now = () => new Date(this.t);
  advance(ms: number) {
    this.t += ms;
  }
}

type AnySocket = { timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<any> }; emit(event: string, payload: unknown): void };
const ask = <T = object>(socket: TestSocket, event: string, payload: unknown): Promise<RoomAck<T>> => (socket as unknown as AnySocket).timeout(5_000).emitWithAck(event, payload);
const send = (socket: TestSocket, event: string, payload: unknown) => (socket as unknown as AnySocket).emit(event, payload);

/** Collects every `event` a socket receives. */
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

/** The next presence event about a given user (or role), skipping others that may still be in flight. */
function presenceOf(socket: TestSocket, match: { userId?: string; role?: string }, timeoutMs = 5_000): Promise<{ participant: { userId: string; role: string; present: boolean } }> {
  return new Promise((resolve, reject) => {
    const s = socket as unknown as { on(e: string, l: (p: any) => void): void; off(e: string, l: (p: any) => void): void };
    const timer = setTimeout(() => reject(new Error(`no presence for ${JSON.stringify(match)}`)), timeoutMs);
    const listener = (p: { participant: { userId: string; role: string } }) => {
      if ((match.userId && p.participant.userId !== match.userId) || (match.role && p.participant.role !== match.role)) return;
      clearTimeout(timer);
      s.off('room:presence', listener);
      resolve(p as never);
    };
    s.on('room:presence', listener);
  });
}

async function postChatPhoto(baseUrl: string, sessionId: string, cookie: string, data: Buffer | string, type = 'image/jpeg') {
  const form = new FormData();
  form.append('file', new Blob([typeof data === 'string' ? data : new Uint8Array(data)], { type }), 'photo.jpg');
  const res = await fetch(`${baseUrl}/api/sessions/${sessionId}/photos`, { method: 'POST', body: form, headers: { cookie } });
  const text = await res.text();
  return { status: res.status, text, json: text.startsWith('{') ? JSON.parse(text) : undefined };
}

describeEachBackend('the live room over Socket.IO', ({ db }) => {
  let t: TestApp;
  const clock = new ManualClock();
  const sockets = new SocketPool();
  let student: Client;
  let tutor: Client;
  let stranger: Client;
  let admin: Client;
  let ids: { student: string; tutor: string; session: string; otherSession: string };
  let s: TestSocket;
  let tu: TestSocket;

  beforeAll(async () => {
    t = await startTestApp(db().database, { login: relaxedLogin }, clock);
    student = new Client(t.baseUrl);
    tutor = new Client(t.baseUrl);
    stranger = new Client(t.baseUrl);
    const st = await signUpStudent(student);
    const tt = await signUpTutor(tutor);
    const other = await signUpStudent(stranger);
    ({ client: admin } = await adminClient(t));
    const sessions = schema.tutoringSessions;
    const [row] = await db().database.db.insert(sessions).values({ kind: 'instant', studentId: st.user.id, tutorId: tt.user.id, startedAt: clock.now() }).returning();
    // Another student's session (with another tutor: a tutor has at most one open instant session).
    const otherTutor = await signUpTutor(new Client(t.baseUrl));
    const [otherRow] = await db().database.db.insert(sessions).values({ kind: 'instant', studentId: other.user.id, tutorId: otherTutor.user.id, startedAt: clock.now() }).returning();
    ids = { student: st.user.id, tutor: tt.user.id, session: row!.id, otherSession: otherRow!.id };
    s = (await sockets.connect(t.baseUrl, student.cookie)).socket;
    tu = (await sockets.connect(t.baseUrl, tutor.cookie)).socket;
  });
  afterAll(async () => {
    sockets.closeAll();
    await t?.close();
  });

  describe('joining', () => {
    it('lets the student and the tutor in with their roles, tells each that the other is present, and starts counting time together', async () => {
      const sj = await ask<RoomJoined>(s, 'room:join', { sessionId: ids.session });
      expect(sj.ok).toBe(true);
      if (!sj.ok) return;
      expect(sj.self).toEqual({ userId: ids.student, role: 'student' });
      expect(sj.participants.map((p) => [p.role, p.present])).toEqual([
        ['student', true],
        ['tutor', false],
      ]);
      expect(sj.messages).toEqual([]);
      const presence = presenceOf(s, { userId: ids.tutor });
      const tj = await ask<RoomJoined>(tu, 'room:join', { sessionId: ids.session });
      expect(tj.ok && tj.self.role).toBe('tutor');
      expect((await presence).participant).toMatchObject({ userId: ids.tutor, present: true });
      await until(() => t.logs().includes('session_together_started'), 'time together to start');
    });

    it('refuses a stranger with the same not_found as a missing session, and a malformed join with a clear reason', async () => {
      const x = (await sockets.connect(t.baseUrl, stranger.cookie)).socket;
      expect(await ask(x, 'room:join', { sessionId: ids.session })).toEqual({ ok: false, error: { code: 'not_found', message: 'That session was not found.' } });
      expect(await ask(x, 'room:join', { sessionId: '00000000-0000-4000-8000-000000000000' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
      const bad = await ask(x, 'room:join', { sessionId: 'nope', extra: 1 });
      expect(bad).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      expect(leaksInternals(JSON.stringify(bad))).toBe(false);
    });

    it('lets an admin in as a silent observer, and the participants see that one is watching', async () => {
      const a = (await sockets.connect(t.baseUrl, admin.cookie)).socket;
      const seen = presenceOf(s, { role: 'observer' });
      const aj = await ask<RoomJoined>(a, 'room:join', { sessionId: ids.session });
      expect(aj.ok && aj.self.role).toBe('observer');
      expect((await seen).participant).toMatchObject({ role: 'observer', present: true });
      // An observer cannot talk, draw or signal: the socket layer refuses those events to staff (decision 079).
      expect(await ask(a, 'room:chat', { sessionId: ids.session, clientId: crypto.randomUUID(), text: 'hi' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(await ask(a, 'room:signal', { sessionId: ids.session, candidate: null })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      const gone = presenceOf(s, { role: 'observer' });
      a.disconnect();
      expect((await gone).participant).toMatchObject({ role: 'observer', present: false });
    });
  });

  describe('signaling', () => {
    it('relays a description and a candidate to the other participant only, marked with the sender', async () => {
      const offer = nextEvent<any>(tu, 'room:signal');
      expect(await ask(s, 'room:signal', { sessionId: ids.session, description: { type: 'offer', sdp: 'v=0\r\n' } })).toEqual({ ok: true });
      expect(await offer).toEqual({ sessionId: ids.session, from: ids.student, description: { type: 'offer', sdp: 'v=0\r\n' } });
      const candidate = nextEvent<any>(s, 'room:signal');
      const c = { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 };
      expect(await ask(tu, 'room:signal', { sessionId: ids.session, candidate: c })).toEqual({ ok: true });
      expect(await candidate).toEqual({ sessionId: ids.session, from: ids.tutor, candidate: c });
    });

    it('refuses signaling into a session the socket has not joined, and malformed or oversized descriptions', async () => {
      const got = record(tu, 'room:signal');
      expect(await ask(s, 'room:signal', { sessionId: ids.otherSession, description: { type: 'offer', sdp: 'v=0' } })).toMatchObject({ ok: false, error: { code: 'not_joined' } });
      expect(await ask(s, 'room:signal', { sessionId: ids.session, description: { type: 'hack', sdp: 'v=0' } })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      expect(await ask(s, 'room:signal', { sessionId: ids.session, description: { type: 'offer', sdp: 42 } })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      expect(await ask(s, 'room:signal', { sessionId: ids.session, description: { type: 'offer', sdp: 'x'.repeat(ROOM_LIMITS.sdpChars + 1) } })).toMatchObject({
        ok: false,
        error: { code: 'validation_failed', message: expect.stringContaining('SDP too long') },
      });
      expect(await ask(s, 'room:signal', { sessionId: ids.session })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      await heartbeat(tu);
      expect(got).toEqual([]);
    });

    it('throttles a flood of 1,000 messages a second from one socket, and the other participant is unaffected', async () => {
      const got = record(tu, 'room:signal');
      const started = performance.now();
      for (let i = 0; i < 1000; i++) send(s, 'room:signal', { sessionId: ids.session, candidate: null });
      await heartbeat(s);
      const seconds = (performance.now() - started) / 1000;
      await heartbeat(tu);
      await new Promise((r) => setTimeout(r, 100));
      // At most the burst plus what the rate refills in the time it took; far fewer than 1,000.
      expect(got.length).toBeGreaterThan(0);
      expect(got.length).toBeLessThanOrEqual(ROOM_LIMITS.burst + Math.ceil(seconds * ROOM_LIMITS.messagesPerSecond) + 5);
      expect(t.logs()).toContain('room_rate_limited');
      // The tutor is still served at once; the flooder recovers after a pause.
      expect(await ask(tu, 'room:peer-state', { sessionId: ids.session, audio: true, video: true, screen: false, lowBandwidth: false, mode: 'full', connection: 'connecting' })).toEqual({ ok: true });
      await new Promise((r) => setTimeout(r, 1000));
      expect(await ask(s, 'room:peer-state', { sessionId: ids.session, audio: true, video: true, screen: false, lowBandwidth: false, mode: 'full', connection: 'connecting' })).toEqual({ ok: true });
    });

    it('drops a socket that sends a message over the size limit; the other participant keeps going', async () => {
      const extra = (await sockets.connect(t.baseUrl, student.cookie)).socket;
      expect((await ask(extra, 'room:join', { sessionId: ids.session })).ok).toBe(true);
      const closed = nextEvent(extra, 'disconnect');
      send(extra, 'room:signal', { sessionId: ids.session, description: { type: 'offer', sdp: 'x'.repeat(200_000) } });
      await closed;
      await heartbeat(tu);
      await heartbeat(s);
    });

    it('relays peer state (muted, camera off, low bandwidth) to the other side', async () => {
      const seen = nextEvent<any>(tu, 'room:peer-state');
      expect(await ask(s, 'room:peer-state', { sessionId: ids.session, audio: false, video: false, screen: false, lowBandwidth: true, mode: 'audio-board', connection: 'connected' })).toEqual({ ok: true });
      expect(await seen).toEqual({ sessionId: ids.session, userId: ids.student, state: { audio: false, video: false, screen: false, lowBandwidth: true, mode: 'audio-board', connection: 'connected' } });
    });
  });

  describe('chat', () => {
    it('stores a message once per client id, acknowledges it, and delivers it once, in order', async () => {
      const atTutor = record<ChatMessage>(tu, 'room:chat');
      const clientId = crypto.randomUUID();
      const first = await ask<{ message: ChatMessage }>(s, 'room:chat', { sessionId: ids.session, clientId, text: '  What is x?  ' });
      const again = await ask<{ message: ChatMessage }>(s, 'room:chat', { sessionId: ids.session, clientId, text: 'What is x?' });
      expect(first.ok && again.ok).toBe(true);
      if (!first.ok || !again.ok) return;
      expect(first.message).toMatchObject({ text: 'What is x?', senderId: ids.student, clientId, photo: null });
      expect(again.message.id).toBe(first.message.id);
      const second = await ask<{ message: ChatMessage }>(tu, 'room:chat', { sessionId: ids.session, clientId: crypto.randomUUID(), text: 'Let us see' });
      expect(second.ok && second.message.id).toBeGreaterThan(first.message.id);
      await until(() => atTutor.length >= 2, 'two chat messages');
      await heartbeat(tu);
      expect(atTutor.map((m) => m.text)).toEqual(['What is x?', 'Let us see']);
    });

    it('refuses empty, oversized and wrongly typed messages', async () => {
      for (const bad of [
        { sessionId: ids.session, clientId: crypto.randomUUID(), text: '   ' },
        { sessionId: ids.session, clientId: crypto.randomUUID(), text: 'x'.repeat(ROOM_LIMITS.chatChars + 1) },
        { sessionId: ids.session, clientId: 'not-an-id', text: 'hi' },
        { sessionId: ids.session, clientId: crypto.randomUUID(), text: 5 },
      ]) {
        expect(await ask(s, 'room:chat', bad)).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      }
    });

    it('sends photos after the same checks as question photos, readable by the participants and admins only', async () => {
      const up = await postChatPhoto(t.baseUrl, ids.session, student.cookie, await jpegBytes(300, 200));
      expect(up.status).toBe(201);
      expect((await postChatPhoto(t.baseUrl, ids.session, student.cookie, '<html><script>alert(1)</script></html>')).status).toBe(400);
      expect((await postChatPhoto(t.baseUrl, ids.session, stranger.cookie, await jpegBytes())).status).toBe(404);
      const sent = await ask<{ message: ChatMessage }>(s, 'room:chat', { sessionId: ids.session, clientId: crypto.randomUUID(), photoId: up.json.photoId });
      expect(sent.ok && sent.message.photo).toMatchObject({ id: up.json.photoId, width: 300, height: 200 });
      // The tutor may not send the student's photo as their own.
      expect(await ask(tu, 'room:chat', { sessionId: ids.session, clientId: crypto.randomUUID(), photoId: up.json.photoId })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      for (const [who, status] of [
        [tutor, 200],
        [admin, 200],
        [stranger, 404],
      ] as const) {
        const res = await who.get(up.json.url);
        expect(res.status).toBe(status);
        if (status === 200) {
          expect(res.headers.get('content-type')).toBe('image/jpeg');
          expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        }
      }
    });

    it('gives the history after a given id on a rejoin', async () => {
      const all = await ask<RoomJoined>(s, 'room:join', { sessionId: ids.session });
      expect(all.ok).toBe(true);
      if (!all.ok) return;
      expect(all.messages.length).toBe(3);
      const later = await ask<RoomJoined>(s, 'room:join', { sessionId: ids.session, afterMessageId: all.messages[1]!.id });
      expect(later.ok && later.messages.map((m) => m.id)).toEqual([all.messages[2]!.id]);
    });
  });

  describe('board', () => {
    it('persists Yjs updates, relays them, and on a rejoin gives each side only what it lacks', async () => {
      const mine = new Y.Doc();
      const updates: Uint8Array[] = [];
      mine.on('update', (u: Uint8Array) => updates.push(u));
      mine.getMap('elements').set('rect-1', { id: 'rect-1', type: 'rectangle', version: 1 });
      const relayed = nextEvent<{ update: Uint8Array }>(tu, 'room:board');
      expect(await ask(s, 'room:board', { sessionId: ids.session, update: updates[0] })).toEqual({ ok: true });
      const theirs = new Y.Doc();
      Y.applyUpdate(theirs, new Uint8Array((await relayed).update));
      expect(theirs.getMap('elements').get('rect-1')).toMatchObject({ type: 'rectangle' });

      // A fresh page (empty doc) gets the whole board back; one that has it gets nothing new.
      const fresh = await ask<RoomJoined>(tu, 'room:join', { sessionId: ids.session, boardStateVector: Y.encodeStateVector(new Y.Doc()) });
      expect(fresh.ok).toBe(true);
      if (!fresh.ok) return;
      const restored = new Y.Doc();
      Y.applyUpdate(restored, new Uint8Array(fresh.board));
      expect(restored.getMap('elements').toJSON()).toEqual(mine.getMap('elements').toJSON());
      const upToDate = await ask<RoomJoined>(s, 'room:join', { sessionId: ids.session, boardStateVector: Y.encodeStateVector(mine) });
      if (!upToDate.ok) throw new Error('join failed');
      const nothing = new Y.Doc();
      Y.applyUpdate(nothing, new Uint8Array(upToDate.board));
      expect(nothing.getMap('elements').size).toBe(0);
      // The server's state vector tells a client what to send back.
      expect(Y.encodeStateAsUpdate(mine, new Uint8Array(upToDate.boardStateVector)).byteLength).toBeLessThanOrEqual(2);
    });

    it('refuses bytes that are not a Yjs update, and updates over the size limit, without storing them', async () => {
      const count = async () => (await db().database.db.select().from(schema.roomBoardUpdates)).length;
      const before = await count();
      expect(await ask(s, 'room:board', { sessionId: ids.session, update: new Uint8Array([255, 1, 2, 3, 4, 5]) })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      expect(await ask(s, 'room:board', { sessionId: ids.session, update: 'text' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      expect(await ask(s, 'room:board', { sessionId: ids.session, update: new Uint8Array(ROOM_LIMITS.boardUpdateBytes + 1) })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      expect(await count()).toBe(before);
    });

    it('folds the update log into the stored state without losing anything', async () => {
      const doc = new Y.Doc();
      const parts: Uint8Array[] = [];
      doc.on('update', (u: Uint8Array) => parts.push(u));
      for (let i = 0; i < 220; i++) doc.getMap('elements').set(`e${i}`, { id: `e${i}`, version: 1 });
      // Through a socket of its own, in chunks of 100 that stay under the rate limit (burst 120, 40 a second).
      const drawer = (await sockets.connect(t.baseUrl, student.cookie)).socket;
      expect((await ask(drawer, 'room:join', { sessionId: ids.session })).ok).toBe(true);
      for (const [i, update] of parts.entries()) {
        if (i > 0 && i % 100 === 0) await new Promise((res) => setTimeout(res, 2_600));
        expect(await ask(drawer, 'room:board', { sessionId: ids.session, update })).toEqual({ ok: true });
      }
      drawer.disconnect();
      await until(() => t.logs().includes('board_compacted'), 'a compaction');
      const rejoin = await ask<RoomJoined>(s, 'room:join', { sessionId: ids.session, boardStateVector: Y.encodeStateVector(new Y.Doc()) });
      if (!rejoin.ok) throw new Error('join failed');
      const restored = new Y.Doc();
      Y.applyUpdate(restored, new Uint8Array(rejoin.board));
      expect(restored.getMap('elements').size).toBe(221);
    }, 30_000);
  });

  describe('call events, time together and the end', () => {
    it('records events from both sides and shows admins the timeline; time counts only while both are in', async () => {
      clock.advance(30_000);
      expect(await ask(s, 'room:event', { sessionId: ids.session, type: 'media-connected', localCandidateType: 'host', remoteCandidateType: 'relay', protocol: 'udp', setupMs: 420 })).toEqual({ ok: true });
      expect(await ask(tu, 'room:event', { sessionId: ids.session, type: 'quality', sample: { rttMs: 40, loss: 0.01, sendBitrate: 300_000, recvBitrate: 280_000, resolution: '640x360', framesPerSecond: 24 } })).toEqual({ ok: true });
      expect(await ask(tu, 'room:event', { sessionId: ids.session, type: 'diagnostics', diagnostics: { browser: 'Chrome 150', os: 'Android 14', device: 'phone', userAgent: 'x' } })).toEqual({ ok: true });
      expect(await ask(tu, 'room:event', { sessionId: ids.session, type: 'quality', sample: { rttMs: -1 } })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      expect(await ask(tu, 'room:event', { sessionId: ids.session, type: 'invented' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });

      // The tutor drops out for a minute: that minute does not count.
      const gone = presenceOf(s, { userId: ids.tutor });
      tu.disconnect();
      await gone;
      await until(() => t.logs().includes('session_together_stopped'), 'time together to stop');
      clock.advance(60_000);
      tu = (await sockets.connect(t.baseUrl, tutor.cookie)).socket;
      expect((await ask(tu, 'room:join', { sessionId: ids.session })).ok).toBe(true);
      await until(() => (t.logs().match(/session_together_started/g) ?? []).length >= 2, 'time together to restart');
      clock.advance(15_000);

      expect((await student.get(`/api/sessions/${ids.session}/timeline`)).status).toBe(403);
      expect((await stranger.get(`/api/sessions/${ids.session}/timeline`)).status).toBe(403);
      const res = await admin.get(`/api/sessions/${ids.session}/timeline`);
      expect(res.status).toBe(200);
      expect(res.json.connectedSeconds).toBe(45);
      const types = res.json.events.map((e: { type: string }) => e.type);
      for (const type of ['joined', 'observer-joined', 'media-connected', 'quality', 'diagnostics', 'left']) expect(types).toContain(type);
      expect(res.json.events.find((e: { type: string }) => e.type === 'media-connected').data).toMatchObject({ remoteCandidateType: 'relay', setupMs: 420 });
    });

    it('tells everyone in the room when the session ends, and then keeps chat and board read-only', async () => {
      const ended = nextEvent<any>(s, 'room:ended');
      const res = await tutor.post(`/api/sessions/${ids.session}/end`);
      expect(res.status).toBe(200);
      expect(await ended).toMatchObject({ sessionId: ids.session, by: ids.tutor });
      expect(await ask(s, 'room:chat', { sessionId: ids.session, clientId: crypto.randomUUID(), text: 'still there?' })).toMatchObject({ ok: false, error: { code: 'session_ended' } });
      const doc = new Y.Doc();
      let update: Uint8Array | undefined;
      doc.on('update', (u: Uint8Array) => (update = u));
      doc.getMap('elements').set('late', { id: 'late' });
      expect(await ask(s, 'room:board', { sessionId: ids.session, update })).toMatchObject({ ok: false, error: { code: 'session_ended' } });
      // The history stays readable.
      const rejoin = await ask<RoomJoined>(s, 'room:join', { sessionId: ids.session });
      expect(rejoin.ok && rejoin.session.status).toBe('ended');
      const timeline = await admin.get(`/api/sessions/${ids.session}/timeline`);
      const seconds = timeline.json.connectedSeconds;
      clock.advance(60_000);
      expect((await admin.get(`/api/sessions/${ids.session}/timeline`)).json.connectedSeconds).toBe(seconds);
      expect(timeline.json.events.map((e: { type: string }) => e.type)).toContain('ended');
    });
  });
});
