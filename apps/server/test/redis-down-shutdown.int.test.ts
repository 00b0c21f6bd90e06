import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Client, relaxedLogin, signUpStudent, startTestApp } from './app';
import { freshDatabase } from './db';
import { exitWithin, freePort, type ServerProcess, spawnServer, waitForReady } from './processes';
import { startRedisServer } from './redis-server';
import { nextEvent, SocketPool } from './sockets';

// Shutting down while Redis is down must not wait out SHUTDOWN_GRACE_MS. Each test kills a redis-server of its own,
// never the machine's on 6379.
const graceMs = 10_000;
/** "Promptly": well under the grace period, with room for a loaded machine. */
const promptMs = 4_000;

describe('shutdown while Redis is down', { timeout: 120_000 }, () => {
  const sockets = new SocketPool();
  const procs: ServerProcess[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    sockets.closeAll();
    await Promise.all(procs.map((p) => p.kill()));
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('app.close() finishes promptly, and closes its sockets', async () => {
    const redis = await startRedisServer();
    const fresh = await freshDatabase('pglite');
    try {
      const t = await startTestApp(fresh.database, { redisUrl: redis.url, shutdownGraceMs: graceMs, login: relaxedLogin });
      const client = new Client(t.baseUrl);
      await signUpStudent(client);
      const { socket } = await sockets.connect(t.baseUrl, client.cookie);
      const disconnected = nextEvent<string>(socket, 'disconnect', promptMs);
      await redis.kill();
      const started = Date.now();
      await t.close();
      expect(Date.now() - started).toBeLessThan(promptMs);
      // The connection is closed, not the Socket.IO session: to the client a network blip it reconnects from by itself
      // (an 'io server disconnect' is never retried; a rolling restart lost its users that way, #19).
      expect(await disconnected).toBe('transport close');
    } finally {
      await redis.kill();
      await fresh.drop();
    }
  });

  it('SIGTERM on the real process exits 0 well within SHUTDOWN_GRACE_MS', async () => {
    const redis = await startRedisServer();
    try {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tutorline-redisdown-'));
      dirs.push(dir);
      const port = await freePort();
      const proc = spawnServer({ HOST: '127.0.0.1', PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, DATA_DIR: dir, REDIS_URL: redis.url, SHUTDOWN_GRACE_MS: String(graceMs), LOG_LEVEL: 'info' });
      procs.push(proc);
      await waitForReady(proc, 90_000);
      await redis.kill();
      const started = Date.now();
      process.kill(proc.pid, 'SIGTERM');
      const { code, signal } = await exitWithin(proc, graceMs + 5_000);
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(Date.now() - started).toBeLessThan(promptMs);
      expect(proc.output()).toContain('"event":"shutdown"');
      expect(proc.output()).not.toContain('killed by timeout');
    } finally {
      await redis.kill();
    }
  });
});
