import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { createClient } from 'redis';
import type { Logger } from './logger';

/** Every rate-limit key in Redis starts with this, and expires with its window (decision 085). */
export const RATE_LIMIT_PREFIX = 'tl:rl:';
/** A count Redis has not answered within this long is taken from this node's memory instead. */
const REDIS_TIMEOUT_MS = 500;
/** The in-memory counts kept while Redis is away are pruned of expired windows past this many keys. */
const LOCAL_PRUNE_AT = 10_000;

// One round trip, atomic: the count and what is left of its window. A key without an expiry (which only a crash
// between the two commands of a non-atomic version could leave) gets one, so no count outlives its window.
const INCR_SCRIPT = `
local current = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if current == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {current, ttl}`;

type RedisClient = ReturnType<typeof createClient>;

/** A fixed-window count per key: the current count in the window and the milliseconds left of it. */
export interface WindowCount {
  current: number;
  ttl: number;
}

/**
 * Counts per key and window, shared by every node through Redis when there is one; otherwise (PGlite, one process),
 * and while Redis does not answer, in this node's memory.
 */
export interface SharedCounter {
  incr(key: string, windowMs: number): Promise<WindowCount>;
  close(): Promise<void>;
}

/** In this node's memory: the default without Redis, and the fallback while Redis is away. */
function localCounter(now: () => number = performance.now.bind(performance)) {
  const windows = new Map<string, { count: number; endsAt: number }>();
  return (key: string, windowMs: number): WindowCount => {
    const t = now();
    if (windows.size > LOCAL_PRUNE_AT) for (const [k, w] of windows) if (w.endsAt <= t) windows.delete(k);
    let w = windows.get(key);
    if (!w || w.endsAt <= t) windows.set(key, (w = { count: 0, endsAt: t + windowMs }));
    w.count += 1;
    return { current: w.count, ttl: Math.max(0, Math.ceil(w.endsAt - t)) };
  };
}

/**
 * The shared counter: in Redis at `redisUrl` (its own connection, failing fast instead of queueing while Redis is
 * down), or in memory without one. Redis going away is logged once and counted locally until it answers again.
 */
export async function createSharedCounter(opts: { redisUrl: string | undefined; logger: Logger; prefix?: string }): Promise<SharedCounter> {
  const { logger } = opts;
  const prefix = opts.prefix ?? RATE_LIMIT_PREFIX;
  const local = localCounter();
  if (!opts.redisUrl) return { incr: async (key, windowMs) => local(key, windowMs), close: async () => {} };

  const client: RedisClient = createClient({ url: opts.redisUrl, disableOfflineQueue: true });
  let degraded = false;
  const degrade = (err: unknown) => {
    if (degraded) return;
    degraded = true;
    logger.warn({ err, event: 'rate_limit_degraded' }, 'Redis does not answer: rate limits are counted by each node alone until it is back');
  };
  // Without a listener an 'error' would stop the node; the reconnection's errors are covered by the one line above.
  client.on('error', degrade);
  await client.connect();
  const timed = client.withCommandOptions({ timeout: REDIS_TIMEOUT_MS });

  return {
    async incr(key, windowMs) {
      const ms = Math.max(1, Math.ceil(windowMs));
      if (!client.isReady) {
        degrade(new Error('redis not ready'));
        return local(key, ms);
      }
      try {
        const reply = (await timed.eval(INCR_SCRIPT, { keys: [prefix + key], arguments: [String(ms)] })) as [number, number];
        if (degraded) {
          degraded = false;
          logger.info({ event: 'rate_limit_restored' }, 'Redis answers again: rate limits are shared by every node');
        }
        return { current: Number(reply[0]), ttl: Number(reply[1]) };
      } catch (err) {
        degrade(err);
        return local(key, ms);
      }
    },
    async close() {
      if (client.isReady) await client.close().catch(() => {});
      if (client.isOpen) client.destroy();
    },
  };
}

/**
 * @fastify/rate-limit's store over the shared counter (its own Redis store wants ioredis; decision 085). Limits made
 * with `fastify.rateLimit()` are told apart by their key generator's name (`ip:`, `lti-login:`…); a limit declared in
 * a route's config also by the route.
 */
export function rateLimitStore(counter: SharedCounter): FastifyRateLimitStoreCtor {
  const store = (routePrefix: string): FastifyRateLimitStore => ({
    incr(key, callback, timeWindow) {
      counter.incr(routePrefix + key, timeWindow).then(
        (count) => callback(null, count),
        (err: Error) => callback(err),
      );
    },
    child(options) {
      const route = (options as { routeInfo?: { method?: string; url?: string } }).routeInfo;
      return store(route?.url ? `${route.method ?? ''}${route.url}:` : '');
    },
  });
  return class {
    constructor() {
      return store('');
    }
  } as unknown as FastifyRateLimitStoreCtor;
}
