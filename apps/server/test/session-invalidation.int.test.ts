import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { skipBecause } from '../../../scripts/skips';
import { createIdentityRepo } from '../src/modules/identity';
import { type Database, openDatabase } from '../src/platform/db';
import { Client, relaxedLogin, signUpStudent, startTestApp, type TestApp } from './app';
import { createPostgresDatabase } from './db';
import { nextEvent, SocketPool } from './sockets';

// Several nodes on one PostgreSQL database and no Redis: a log-out on one node must end the session on every node at
// once (the README's promise), not when the other nodes' 30-second session caches run out.
const hasPostgres = Boolean(process.env.DATABASE_URL);
if (!hasPostgres) skipBecause('session invalidation across nodes without Redis', 'DATABASE_URL is not set');

/** How long a node may take to hear another node's change: a NOTIFY's delivery, far below the cache's 30 s. */
const deliveryMs = 3_000;

describe.skipIf(!hasPostgres)('session invalidation across two nodes on PostgreSQL without Redis', { timeout: 120_000 }, () => {
  let dropDatabase: (() => Promise<void>) | undefined;
  const databases: Database[] = [];
  let a: TestApp;
  let b: TestApp;
  const sockets = new SocketPool();

  beforeAll(async () => {
    const pgdb = await createPostgresDatabase();
    dropDatabase = pgdb.drop;
    // Two nodes: each its own pool on the same database, as two processes would have.
    for (let i = 0; i < 2; i++) databases.push(await openDatabase({ kind: 'postgres', url: pgdb.url, poolMax: 5 }));
    const config = { login: relaxedLogin, sessionCacheTtlMs: 30_000, redisUrl: undefined };
    a = await startTestApp(databases[0]!, config);
    b = await startTestApp(databases[1]!, config);
  });
  afterEach(() => sockets.closeAll());
  afterAll(async () => {
    sockets.closeAll();
    await a?.close();
    await b?.close();
    for (const d of databases) await d.close();
    await dropDatabase?.();
  });

  /** A student logged in on node A whose session both nodes have cached (each answered /api/me with it). */
  async function warmStudent() {
    const onA = new Client(a.baseUrl);
    const { user } = await signUpStudent(onA);
    const onB = new Client(b.baseUrl);
    onB.cookie = onA.cookie;
    for (const c of [onA, onB, onB]) expect((await c.get('/api/me')).status).toBe(200);
    return { onA, onB, userId: user.id };
  }

  it('refuses the old cookie on node B as soon as the user logs out on node A, and closes its sockets there', async () => {
    const { onA, onB } = await warmStudent();
    const { socket } = await sockets.connect(b.baseUrl, onB.cookie);
    const revoked = nextEvent<{ reason: string }>(socket, 'session:revoked', deliveryMs);

    expect((await onA.post('/api/auth/logout')).status).toBe(204);
    expect((await onA.get('/api/me')).status).toBe(401);
    await vi.waitFor(async () => expect((await onB.get('/api/me')).status).toBe(401), { timeout: deliveryMs, interval: 20 });
    expect(await revoked).toEqual({ reason: 'logout' });
  });

  it('forgets every cached session on a node whose LISTEN connection dropped, since it may have missed changes', async () => {
    const { onB, userId } = await warmStudent();
    // A change whose notification node B never hears (as if sent while its LISTEN connection was down)…
    const repo = createIdentityRepo(databases[0]!.db);
    await repo.revokeUserSessions(userId, new Date());
    expect((await onB.get('/api/me')).status).toBe(200);
    // …then the connection drops and comes back: B cannot know what it missed, so it drops its cache.
    const admin = databases[0]!;
    await admin.db.execute(sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query like 'LISTEN %'`);
    await vi.waitFor(async () => expect((await onB.get('/api/me')).status).toBe(401), { timeout: 10_000, interval: 50 });
  });
});
