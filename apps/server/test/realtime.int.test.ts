import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { skipBecause } from '../../../scripts/skips';
import { Client, relaxedLogin, signUpStudent, signUpTutor, startTestApp, type TestApp, testPassword } from './app';
import { createPostgresDatabase, describeEachBackend } from './db';
import { freePort, type ServerProcess, spawnServer, waitForReady } from './processes';
import { heartbeat, nextEvent, refusal, SocketPool } from './sockets';

describeEachBackend('realtime: the Socket.IO handshake', ({ db }) => {
  let t: TestApp;
  let client: Client;
  let userId: string;
  const sockets = new SocketPool();
  beforeAll(async () => {
    t = await startTestApp(db().database, { login: relaxedLogin });
    client = new Client(t.baseUrl);
    userId = (await signUpStudent(client)).user.id;
  });
  afterEach(() => sockets.closeAll());
  afterAll(async () => {
    sockets.closeAll();
    await t?.close();
  });

  it('connects with a valid session cookie and sends session:ready with the user id', async () => {
    const { socket, ready } = await sockets.connect(t.baseUrl, client.cookie);
    expect(ready).toEqual({ userId, role: 'student', recovered: false });
    expect(await heartbeat(socket)).toMatchObject({ ok: true, at: expect.any(String) });
    expect(t.app.realtime.localOnlineUserIds()).toContain(userId);
  });

  it("accepts the app's own Origin", async () => {
    const origin = new URL(t.app.config.publicUrl).origin;
    const socket = sockets.open(t.baseUrl, { cookie: client.cookie, origin });
    expect(await nextEvent(socket, 'session:ready')).toMatchObject({ userId });
  });

  it('refuses a handshake from a foreign Origin, even with a valid cookie', async () => {
    const socket = sockets.open(t.baseUrl, { cookie: client.cookie, origin: 'https://evil.example' });
    await refusal(socket);
    expect(socket.connected).toBe(false);
  });

  it('refuses a handshake without a cookie, or with one that is not a session', async () => {
    for (const headers of [{}, { cookie: 'tl_session=not-a-real-token' }, { cookie: 'other=1' }] as Record<string, string>[]) {
      const err = await refusal(sockets.open(t.baseUrl, headers));
      expect(err.message).toBe('unauthenticated');
    }
  });

  it('refuses the cookie of a session that has logged out', async () => {
    const other = new Client(t.baseUrl);
    await signUpTutor(other);
    const cookie = other.cookie;
    expect((await other.post('/api/auth/logout')).status).toBe(204);
    expect((await refusal(sockets.open(t.baseUrl, { cookie }))).message).toBe('unauthenticated');
  });

  it('forgets a user once their last socket is gone', async () => {
    const other = new Client(t.baseUrl);
    const { user } = await signUpTutor(other);
    const { socket } = await sockets.connect(t.baseUrl, other.cookie);
    expect(t.app.realtime.localOnlineUserIds()).toContain(user.id);
    // The server sees the close a moment after the client does: wait for the server's own disconnect event.
    const serverSide = t.app.realtime.io.sockets.sockets.get(socket.id!);
    expect(serverSide).toBeDefined();
    const gone = new Promise<void>((resolve) => serverSide!.once('disconnect', () => resolve()));
    socket.disconnect();
    await gone;
    expect(t.app.realtime.localOnlineUserIds()).not.toContain(user.id);
  });
});

const crossNode = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
if (!crossNode) skipBecause('realtime across two server processes', 'REDIS_URL and DATABASE_URL are not set');

describe.skipIf(!crossNode)('realtime across two server processes (PostgreSQL + Redis)', { timeout: 120_000 }, () => {
  const nodes: ServerProcess[] = [];
  const sockets = new SocketPool();
  let dropDatabase: (() => Promise<void>) | undefined;
  // One data folder for both nodes, as nodes sharing file storage have (not the repository's ./data).
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tutorline-two-nodes-'));
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    const pgdb = await createPostgresDatabase();
    dropDatabase = pgdb.drop;
    const portA = await freePort();
    let portB = await freePort();
    while (portB === portA) portB = await freePort();
    for (const port of [portA, portB]) {
      nodes.push(
        spawnServer({
          HOST: '127.0.0.1',
          PORT: String(port),
          PUBLIC_URL: `http://127.0.0.1:${port}`,
          DATABASE_URL: pgdb.url,
          REDIS_URL: process.env.REDIS_URL!,
          DATA_DIR: dataDir,
          LOG_LEVEL: 'warn',
          // Log-in limits are counted in the machine's Redis, which other runs share for the 15-minute window (085).
          LOGIN_MAX_PER_IP: '10000',
        }),
      );
    }
    [a, b] = nodes as [ServerProcess, ServerProcess];
    // Both start at once against an empty database, as a fresh multi-node deployment does.
    await Promise.all(nodes.map((n) => waitForReady(n)));
  });
  afterAll(async () => {
    sockets.closeAll();
    await Promise.all(nodes.map((n) => n.kill()));
    await dropDatabase?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers a log-out on node A to the socket connected to node B', async () => {
    const user = new Client(a.baseUrl);
    const { email, user: me } = await signUpStudent(user);
    // A second session of the same user, whose socket is on node A and must survive.
    const other = new Client(b.baseUrl);
    await other.logIn(email, testPassword);

    const { socket: onB, ready } = await sockets.connect(b.baseUrl, user.cookie);
    expect(ready.userId).toBe(me.id);
    const { socket: otherOnA } = await sockets.connect(a.baseUrl, other.cookie);
    const revoked = nextEvent<{ reason: string }>(onB, 'session:revoked', 15_000);
    const disconnected = nextEvent<string>(onB, 'disconnect', 15_000);

    const cookie = user.cookie;
    expect((await user.post('/api/auth/logout')).status).toBe(204);

    expect(await revoked).toEqual({ reason: 'logout' });
    expect(await disconnected).toBe('io server disconnect');
    expect(await heartbeat(otherOnA)).toMatchObject({ ok: true });
    // Node B, which had resolved this session for the socket, no longer accepts the cookie either.
    user.cookie = cookie;
    expect((await user.get('/api/me')).status).toBe(401);
    expect((await new Client(b.baseUrl).request('GET', '/api/me', undefined, { cookie })).status).toBe(401);
    expect((await other.get('/api/me')).status).toBe(200);
  });

  it('delivers a password change on node B to sockets on node A', async () => {
    const user = new Client(b.baseUrl);
    await signUpStudent(user);
    const { socket: onA } = await sockets.connect(a.baseUrl, user.cookie);
    const revoked = nextEvent<{ reason: string }>(onA, 'session:revoked', 15_000);
    const disconnected = nextEvent<string>(onA, 'disconnect', 15_000);

    const res = await user.post('/api/me/password', { currentPassword: testPassword, newPassword: 'another long passphrase' });
    expect(res.status).toBe(204);
    expect(await revoked).toEqual({ reason: 'password_changed' });
    expect(await disconnected).toBe('io server disconnect');
  });
});
