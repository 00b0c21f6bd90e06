import { createHmac } from 'node:crypto';
import type { RoomAck, RoomJoined } from '@tutorline/contracts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { schema } from '../../../test/schema';
import { describeEachBackend } from '../../../test/db';
import { adminClient, Client, relaxedLogin, signUpStudent, signUpTutor, startTestApp, type TestApp } from '../../../test/app';
import { SocketPool, type TestSocket } from '../../../test/sockets';

type AnySocket = { timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<RoomAck<RoomJoined>> } };
const join = (socket: TestSocket, sessionId: string) => (socket as unknown as AnySocket).timeout(5_000).emitWithAck('room:join', { sessionId });

const secret = 'tutor-turn-shared-secret-TEST-3f8a9c';
const ice = { stunUrls: ['stun:turn.example.test:3478'], turnUrls: ['turn:turn.example.test:3478?transport=udp', 'turn:turn.example.test:3478?transport=tcp'], turnSecret: secret, turnTtlSeconds: 3600, transportPolicy: 'all' as const };

describeEachBackend('ICE servers for a session', ({ db }) => {
  let t: TestApp;
  let student: Client;
  let tutor: Client;
  let stranger: Client;
  let ids: { student: string; tutor: string; session: string };

  beforeAll(async () => {
    t = await startTestApp(db().database, { ice, login: relaxedLogin });
    student = new Client(t.baseUrl);
    tutor = new Client(t.baseUrl);
    stranger = new Client(t.baseUrl);
    const s = await signUpStudent(student);
    const tu = await signUpTutor(tutor);
    await signUpStudent(stranger);
    const [row] = await db()
      .database.db.insert(schema.tutoringSessions)
      .values({ kind: 'instant', studentId: s.user.id, tutorId: tu.user.id, startedAt: new Date() })
      .returning();
    ids = { student: s.user.id, tutor: tu.user.id, session: row!.id };
  });
  const sockets = new SocketPool();
  afterAll(async () => {
    sockets.closeAll();
    await t?.close();
  });

  it('gives each participant STUN and a TURN credential of their own, valid for the TTL, never the shared secret', async () => {
    const before = Math.floor(Date.now() / 1000);
    for (const [client, userId] of [
      [student, ids.student],
      [tutor, ids.tutor],
    ] as const) {
      const res = await client.get(`/api/sessions/${ids.session}/ice-servers`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.text).not.toContain(secret);
      const [stun, turn] = res.json.iceServers;
      expect(stun).toEqual({ urls: ice.stunUrls });
      expect(turn.urls).toEqual(ice.turnUrls);
      const [expiry, who] = turn.username.split(':');
      expect(who).toBe(userId);
      expect(Number(expiry)).toBeGreaterThanOrEqual(before + 3600);
      expect(Number(expiry)).toBeLessThanOrEqual(before + 3600 + 5);
      expect(turn.credential).toBe(createHmac('sha1', secret).update(turn.username).digest('base64'));
      expect(new Date(res.json.expiresAt).getTime()).toBe(Number(expiry) * 1000);
      expect(res.json.iceTransportPolicy).toBe('all');
    }
  });

  it('refuses anyone outside the session with the same 404 as a missing one, and logged-out callers with 401', async () => {
    expect((await stranger.get(`/api/sessions/${ids.session}/ice-servers`)).status).toBe(404);
    expect((await stranger.get(`/api/sessions/00000000-0000-4000-8000-000000000000/ice-servers`)).status).toBe(404);
    expect((await new Client(t.baseUrl).get(`/api/sessions/${ids.session}/ice-servers`)).status).toBe(401);
  });

  it('lets an admin observer have credentials too', async () => {
    const { client: admin } = await adminClient(t);
    const res = await admin.get(`/api/sessions/${ids.session}/ice-servers`);
    expect(res.status).toBe(200);
    expect(res.json.iceServers).toHaveLength(2);
  });

  it("hands each participant their own ICE servers with the room's join (the call need not ask), and none to an observer", async () => {
    for (const [client, userId] of [
      [student, ids.student],
      [tutor, ids.tutor],
    ] as const) {
      const joined = await join((await sockets.connect(t.baseUrl, client.cookie)).socket, ids.session);
      expect(joined.ok).toBe(true);
      if (!joined.ok) return;
      const [stun, turn] = joined.iceServers!.iceServers;
      expect(stun).toEqual({ urls: ice.stunUrls });
      expect(turn!.username!.split(':')[1]).toBe(userId);
      expect(turn!.credential).toBe(createHmac('sha1', secret).update(turn!.username!).digest('base64'));
      expect(joined.iceServers!.iceTransportPolicy).toBe('all');
      expect(JSON.stringify(joined)).not.toContain(secret);
    }
    const { client: admin } = await adminClient(t);
    const observed = await join((await sockets.connect(t.baseUrl, admin.cookie)).socket, ids.session);
    expect(observed.ok && observed.self.role).toBe('observer');
    expect(observed.ok && observed.iceServers).toBeUndefined();
  });
});
