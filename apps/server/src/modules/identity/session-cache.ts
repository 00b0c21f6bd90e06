import type { AuthUser } from './identity.service';

interface Entry {
  auth: AuthUser;
  /** When this entry must be looked up again: the session's expiry or the cache TTL, whichever comes first. */
  staleAt: number;
}

/**
 * Resolved sessions by token, so an authenticated request needs no database round trip.
 * Every change to a user or a session invalidates it here and, through `onInvalidate`, on the other nodes;
 * the TTL bounds staleness if such a broadcast is ever lost.
 */
export function createSessionCache(opts: { ttlMs: number; maxEntries: number }) {
  const entries = new Map<string, Entry>();
  const byUser = new Map<string, Set<string>>();
  /** Bumped by every invalidation; a lookup that started before one must not cache what it read. */
  let generation = 0;

  function drop(hash: string) {
    const e = entries.get(hash);
    if (!e) return;
    entries.delete(hash);
    const set = byUser.get(e.auth.id);
    set?.delete(hash);
    if (set?.size === 0) byUser.delete(e.auth.id);
  }

  return {
    get(hash: string, nowMs: number): AuthUser | undefined {
      const e = entries.get(hash);
      if (!e) return undefined;
      if (e.staleAt <= nowMs) {
        drop(hash);
        return undefined;
      }
      return e.auth;
    },
    /** Taken before a database lookup and given back to set(), so a revocation that lands meanwhile wins. */
    get generation() {
      return generation;
    },
    set(hash: string, auth: AuthUser, sessionExpiresAtMs: number, nowMs: number, readAtGeneration = generation) {
      if (opts.ttlMs <= 0 || readAtGeneration !== generation) return;
      if (entries.size >= opts.maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) drop(oldest);
      }
      entries.set(hash, { auth, staleAt: Math.min(sessionExpiresAtMs, nowMs + opts.ttlMs) });
      let set = byUser.get(auth.id);
      if (!set) byUser.set(auth.id, (set = new Set()));
      set.add(hash);
    },
    invalidateUser(userId: string) {
      generation++;
      for (const hash of [...(byUser.get(userId) ?? [])]) drop(hash);
    },
    /** Forgets everything (invalidations from other nodes may have been missed). */
    clear() {
      generation++;
      entries.clear();
      byUser.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
export type SessionCache = ReturnType<typeof createSessionCache>;
