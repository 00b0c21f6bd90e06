import { afterAll, describe, expect, it } from 'vitest';
import { Client, relaxedLogin, signUpStudent, startTestApp } from './app';
import { freshDatabase } from './db';
import { startRedisServer } from './redis-server';
import { nextEvent, SocketPool } from './sockets';

// Issue #19: with Redis lost, a node's clients are told that realtime is degraded, and told again when it is back
// (decision 092). The redis-server is this test's own, never the machine's on 6379.
describe('realtime degraded while Redis is down', { timeout: 120_000 }, () => {
  const sockets = new SocketPool();
  afterAll(() => sockets.closeAll());

  it('tells the node’s own sockets when Redis goes and when it comes back, and a socket connecting meanwhile at once', async () => {
    const redis = await startRedisServer();
    const fresh = await freshDatabase('pglite');
    try {
      const t = await startTestApp(fresh.database, { redisUrl: redis.url, login: relaxedLogin });
      try {
        const client = new Client(t.baseUrl);
        await signUpStudent(client);
        const { socket: before } = await sockets.connect(t.baseUrl, client.cookie);
        const degraded = nextEvent<{ degraded: boolean }>(before, 'realtime:status', 15_000);
        await redis.kill();
        expect(await degraded).toEqual({ degraded: true });
        expect(before.connected).toBe(true);

        // A socket that connects while Redis is down hears it right after session:ready.
        const during = sockets.open(t.baseUrl, { cookie: client.cookie });
        const duringStatus = nextEvent<{ degraded: boolean }>(during, 'realtime:status', 10_000);
        await nextEvent(during, 'session:ready', 10_000);
        expect(await duringStatus).toEqual({ degraded: true });

        const restored = Promise.all([before, during].map((s) => nextEvent<{ degraded: boolean }>(s, 'realtime:status', 30_000)));
        await redis.restart();
        expect(await restored).toEqual([{ degraded: false }, { degraded: false }]);

        // Back to normal: a new socket is not told anything.
        const after = sockets.open(t.baseUrl, { cookie: client.cookie });
        const status = nextEvent(after, 'realtime:status', 1_000).then(
          () => 'told',
          () => 'not told',
        );
        await nextEvent(after, 'session:ready', 10_000);
        expect(await status).toBe('not told');
      } finally {
        await t.close();
      }
    } finally {
      await redis.kill();
      await fresh.drop();
    }
  });
});
