import { randomInt } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { skipBecause } from '../../../scripts/skips';
import type { Config } from '../src/config';
import { RATE_LIMIT_PREFIX } from '../src/platform/rate-limit';
import { Client, relaxedLogin, startTestApp, type TestApp, uniqueEmail } from './app';
import { describeOnOneBackend } from './db';
import { waitUntil } from './help';
import { type RedisServer, startRedisServer } from './redis-server';

// Issue #19, decision 085: with REDIS_URL the @fastify/rate-limit limits are counted in Redis, so two nodes on one
// database and one Redis give an IP the configured limit, not twice it; with Redis down they still answer.
const MAX = 5;
const WINDOW_MS = 60_000;
const limits: Partial<Config> = { login: { ...relaxedLogin, maxPerIp: MAX, windowMs: WINDOW_MS }, trustProxy: true };
/** An address of this run's own (the machine's Redis is shared by other runs), sent through the trusted proxy header. */
const freshIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
const attempt = (t: TestApp, ip: string) => new Client(t.baseUrl).post('/api/auth/login', { email: uniqueEmail('probe'), password: 'not the password' }, { 'x-forwarded-for': ip });

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) skipBecause('rate limits shared by two nodes through Redis', 'REDIS_URL is not set');
const hasRedisServer = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasRedisServer) skipBecause('rate limits while Redis is down', 'redis-server is not installed');

describeOnOneBackend('rate limits: shared by the nodes through Redis', ({ db }) => {
  const apps: TestApp[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });
  /** Two nodes of one deployment: the same database, the same Redis. */
  async function twoNodes(url: string) {
    for (let i = 0; i < 2; i++) apps.push(await startTestApp(db().database, { ...limits, redisUrl: url }, undefined, { manualJobs: true }));
    return apps as [TestApp, TestApp];
  }

  describe.skipIf(!redisUrl)('with REDIS_URL', () => {
    const redis = createClient({ url: redisUrl });
    beforeAll(async () => void (await redis.connect()));
    afterAll(async () => void (await redis.close()));

    it('refuses the log-in past LOGIN_MAX_PER_IP counted over both nodes, not at twice it', async () => {
      const [a, b] = await twoNodes(redisUrl!);
      const ip = freshIp();
      for (let i = 0; i < MAX; i++) expect((await attempt(i % 2 ? b : a, ip)).status).toBe(401);
      // Each node has seen fewer than MAX of them: only a shared count refuses these.
      for (const node of [a, b]) {
        const refused = await attempt(node, ip);
        expect(refused.status).toBe(429);
        expect(refused.json.error.code).toBe('rate_limited');
      }
      // Another address is not affected.
      expect((await attempt(b, freshIp())).status).toBe(401);
      // The count is a prefixed key that expires with its window.
      const key = `${RATE_LIMIT_PREFIX}ip:${ip}`;
      expect(Number(await redis.get(key))).toBe(MAX + 2);
      const ttl = await redis.pTTL(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(WINDOW_MS);
    });
  });

  describe.skipIf(!hasRedisServer)('with Redis down', { timeout: 60_000 }, () => {
    let own: RedisServer;
    beforeAll(async () => {
      own = await startRedisServer();
    });
    afterAll(async () => {
      await own?.kill();
    });

    it('answers (no 500) while Redis is down, still limits per node, and shares the limit again once Redis is back', async () => {
      const [a, b] = await twoNodes(own.url);
      await own.kill();

      // Every request is answered as usual; each node counts alone meanwhile, so the limit still holds on each node.
      const ip = freshIp();
      for (let i = 0; i < MAX; i++) expect((await attempt(a, ip)).status).toBe(401);
      expect((await attempt(a, ip)).status).toBe(429);
      expect((await attempt(b, ip)).status).toBe(401);
      // Said once per node, however many requests it counted alone.
      for (const node of [a, b]) expect(node.logs().match(/"event":"rate_limit_degraded"/g)).toHaveLength(1);

      await own.restart();
      const check = createClient({ url: own.url });
      await check.connect();
      try {
        // Both nodes count in Redis again once they have reconnected: wait for each one's count to arrive there.
        for (const node of [a, b]) {
          const waitIp = freshIp();
          await waitUntil(async () => (await attempt(node, waitIp)).status === 401 && (await check.exists(`${RATE_LIMIT_PREFIX}ip:${waitIp}`)) === 1, 'the node counting in Redis again', 20_000, 100);
          expect(node.logs()).toContain('"event":"rate_limit_restored"');
        }
        const again = freshIp();
        for (let i = 0; i < MAX; i++) expect((await attempt(i % 2 ? b : a, again)).status).toBe(401);
        expect((await attempt(a, again)).status).toBe(429);
        expect((await attempt(b, again)).status).toBe(429);
      } finally {
        await check.close();
      }
    });
  });
});
