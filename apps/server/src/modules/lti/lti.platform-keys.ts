import { importJWK, type JWK, type KeyObject } from 'jose';
import type { Logger } from '../../platform/logger';

/** A platform's keyset is cached this long; a kid that stayed unknown after a refetch is not refetched again for a while. */
const CACHE_MS = 60 * 60 * 1000;
const MISS_REMEMBERED_MS = 60_000;
const FETCH_TIMEOUT_MS = 5_000;

export type KeyLookup = { ok: true; key: KeyObject | Uint8Array } | { ok: false; reason: 'unknown_kid' | 'keyset_unavailable' };

/**
 * The platforms' public keys by keyset URL and kid. A kid we have not seen refetches the keyset once (a platform that
 * rotated), then refuses; a kid still unknown after that is remembered for a minute, and concurrent fetches of one URL
 * share one request, so a stream of bad tokens cannot make us hammer a platform. Elapsed time here is measured with
 * the monotonic clock (a cache age, not a timestamp).
 */
export function createPlatformKeys(deps: { logger: Logger; fetch?: typeof fetch }) {
  const doFetch = deps.fetch ?? fetch;
  const cache = new Map<string, { keys: Map<string, JWK>; fetchedAt: number }>();
  const inFlight = new Map<string, Promise<Map<string, JWK> | null>>();
  const misses = new Map<string, number>();
  let fetches = 0;

  async function fetchKeys(url: string): Promise<Map<string, JWK> | null> {
    fetches += 1;
    try {
      const res = await doFetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error(`status ${res.status}`);
      const body = (await res.json()) as { keys?: unknown };
      if (!Array.isArray(body.keys)) throw new Error('no keys array');
      const keys = new Map<string, JWK>();
      for (const k of body.keys as JWK[]) if (k && typeof k.kid === 'string' && k.kty === 'RSA') keys.set(k.kid, k);
      cache.set(url, { keys, fetchedAt: performance.now() });
      return keys;
    } catch (err) {
      deps.logger.warn({ event: 'lti_keyset_fetch_failed', url, err: (err as Error).message }, 'could not fetch a platform keyset');
      return null;
    }
  }
  function load(url: string): Promise<Map<string, JWK> | null> {
    let p = inFlight.get(url);
    if (!p) {
      p = fetchKeys(url).finally(() => inFlight.delete(url));
      inFlight.set(url, p);
    }
    return p;
  }

  return {
    /** The RS256 key for this kid from the keyset at `url`, refetching once when the kid is unknown. */
    async keyFor(url: string, kid: string): Promise<KeyLookup> {
      const cached = cache.get(url);
      let fresh = false;
      let keys = cached && performance.now() - cached.fetchedAt <= CACHE_MS ? cached.keys : null;
      if (!keys) {
        keys = await load(url);
        if (!keys) return { ok: false, reason: 'keyset_unavailable' };
        fresh = true;
      }
      let jwk = keys.get(kid);
      const missKey = `${url} ${kid}`;
      const missedAt = misses.get(missKey);
      if (!jwk && !fresh && (missedAt === undefined || performance.now() - missedAt > MISS_REMEMBERED_MS)) {
        jwk = (await load(url))?.get(kid);
      }
      if (!jwk) {
        misses.set(missKey, performance.now());
        if (misses.size > 10_000) misses.clear();
        return { ok: false, reason: 'unknown_kid' };
      }
      if (jwk.alg !== undefined && jwk.alg !== 'RS256') return { ok: false, reason: 'unknown_kid' };
      return { ok: true, key: await importJWK({ ...jwk, alg: 'RS256' }, 'RS256') };
    },
    /** How many keyset fetches were made (tests check the single refetch). */
    fetchCount: () => fetches,
    forget: (url: string) => cache.delete(url),
  };
}
export type PlatformKeys = ReturnType<typeof createPlatformKeys>;

