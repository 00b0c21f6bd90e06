import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../platform/clock';
import { AppError } from '../../platform/errors';
import { z } from 'zod';
import { defineJob, type JobRunner, PERIODIC_JOBS_KEPT_MS, pruneFinishedRuns } from '../../platform/jobs';
import type { Logger } from '../../platform/logger';
import type { WhatsAppRepo } from './whatsapp.repo';

/**
 * Linking a WhatsApp number to a web account with a 6-digit code, in either direction. A code is short enough to type,
 * so what keeps it from being guessed is around it: it lives 10 minutes, works once, is one of at most one live code
 * per account or number, and every try counts against the account, the client's IP and the number in the database
 * (so the limit holds across nodes and restarts). A tripped limit refuses every try, the right code too, until its
 * window ends. Codes are stored and looked up only as HMACs under the server's secret.
 */
export const LINK_CODE_TTL_MS = 10 * 60_000;
export const LINK_ATTEMPT_WINDOW_MS = 15 * 60_000;
/** Tries per window: an account and a WhatsApp number get a few typos; an IP (a school's NAT) a few more. */
export const LINK_ATTEMPT_LIMITS = { user: 5, ip: 20, wa: 5 } as const;
const LINK_SWEEP_QUEUE = defineJob('wa.link_sweep', z.object({ slot: z.iso.datetime() }));
const LINK_SWEEP_EVERY_MS = 10 * 60_000;
/** Draws before giving up on a free code (a live collision is about 1 in 10^6 per live code). */
const MAX_DRAWS = 20;

export type LinkOrigin = 'web' | 'whatsapp';
export type LinkAttempt<T> = { ok: true; value: T } | { ok: false; reason: 'unknown_code' } | { ok: false; reason: 'rate_limited'; retryAfterSeconds: number };

export interface LinkingDeps {
  repo: WhatsAppRepo;
  clock: Clock;
  logger: Logger;
  /** The server's signing secret: the HMAC key of stored codes. */
  secret: string;
  /** Draws a code (tests make collisions happen); six random digits by default. */
  drawCode?: () => string;
}

/** Whether a presented code's digest is the stored one, compared in constant time. */
export function sameCodeHash(presented: string, stored: string): boolean {
  const a = Buffer.from(presented, 'base64url');
  const b = Buffer.from(stored, 'base64url');
  return a.length === b.length && timingSafeEqual(a, b);
}

export function createLinking(deps: LinkingDeps) {
  const { repo, clock, logger } = deps;
  const draw = deps.drawCode ?? (() => String(randomInt(0, 1_000_000)).padStart(6, '0'));
  const hashOf = (origin: LinkOrigin, code: string) => createHmac('sha256', deps.secret).update(`${origin}:${code}`).digest('base64url');

  /** A fresh code for one owner, replacing the owner's earlier ones; a collision with a live code draws again. */
  async function issue(origin: LinkOrigin, owner: { userId: string } | { waId: string }): Promise<{ code: string; expiresAt: Date }> {
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + LINK_CODE_TTL_MS);
    await repo.dropLinkCodesOf(owner, origin);
    for (let i = 0; i < MAX_DRAWS; i++) {
      const code = draw();
      if (await repo.addLinkCode({ codeHash: hashOf(origin, code), origin, ...owner, expiresAt, createdAt: now })) {
        logger.info({ event: 'whatsapp_link_code_created', origin, ...('userId' in owner ? { userId: owner.userId } : {}), draws: i + 1 }, 'whatsapp link code created');
        return { code, expiresAt };
      }
      logger.warn({ event: 'whatsapp_link_code_collision', origin, draw: i + 1 }, 'a live link code already had that number: drawing another');
    }
    throw new AppError(503, 'service_unavailable', 'No link code could be made just now. Please try again in a minute.');
  }

  /**
   * One try at a code: counted under every key first (so concurrent guesses all count), refused while any key is
   * over its limit, then the code is taken out (used, or expired: gone either way) and checked.
   */
  async function attempt(origin: LinkOrigin, code: string, keys: { key: string; limit: number }[]) {
    const now = clock.now();
    let retryAfterMs = 0;
    for (const { key, limit } of keys) {
      const counted = await repo.countLinkAttempt(key, now, LINK_ATTEMPT_WINDOW_MS);
      if (counted.attempts > limit) retryAfterMs = Math.max(retryAfterMs, counted.windowEndsAt.getTime() - now.getTime());
    }
    if (retryAfterMs > 0) {
      logger.warn({ event: 'whatsapp_link_rate_limited', origin, keys: keys.map((k) => k.key.split(':')[0]) }, 'too many link code tries');
      return { ok: false as const, reason: 'rate_limited' as const, retryAfterSeconds: Math.ceil(retryAfterMs / 1000) };
    }
    const presented = hashOf(origin, code);
    const row = /^\d{6}$/.test(code) ? await repo.takeLinkCode(presented) : undefined;
    if (!row || row.origin !== origin || !sameCodeHash(presented, row.codeHash) || row.expiresAt.getTime() <= now.getTime()) {
      logger.info({ event: 'whatsapp_link_code_refused', origin, expired: Boolean(row) }, 'link code unknown or expired');
      return { ok: false as const, reason: 'unknown_code' as const };
    }
    return { ok: true as const, row };
  }

  /** Deletes expired codes and ended windows; runs every 10 minutes (each run queues the next). */
  async function sweep() {
    const gone = await repo.sweepLinkCodes(clock.now(), LINK_ATTEMPT_WINDOW_MS);
    if (gone.codes || gone.attempts) logger.info({ event: 'whatsapp_link_codes_swept', ...gone }, 'expired link codes and tries deleted');
    return gone;
  }

  return {
    hashOf,
    /** From the web: a code for a logged-in user, to send from their WhatsApp as "link 123456". */
    issueForUser: (userId: string) => issue('web', { userId }),
    /** From WhatsApp ("link"): a code for the number, to type on the website. */
    issueForNumber: (waId: string) => issue('whatsapp', { waId }),

    /** On the web: the code a number got, typed by a logged-in user; limited per account and per client IP. */
    async tryFromWeb(userId: string, ip: string, code: string): Promise<LinkAttempt<{ waId: string }>> {
      const r = await attempt('whatsapp', code, [
        { key: `user:${userId}`, limit: LINK_ATTEMPT_LIMITS.user },
        { key: `ip:${ip}`, limit: LINK_ATTEMPT_LIMITS.ip },
      ]);
      if (!r.ok) return r;
      return r.row.waId ? { ok: true, value: { waId: r.row.waId } } : { ok: false, reason: 'unknown_code' };
    },
    /** On WhatsApp ("link 123456"): the code a web account got, sent from a number; limited per number. */
    async tryFromWhatsApp(waId: string, code: string): Promise<LinkAttempt<{ userId: string }>> {
      const r = await attempt('web', code, [{ key: `wa:${waId}`, limit: LINK_ATTEMPT_LIMITS.wa }]);
      if (!r.ok) return r;
      return r.row.userId ? { ok: true, value: { userId: r.row.userId } } : { ok: false, reason: 'unknown_code' };
    },

    sweep,
    async installSweep(jobs: JobRunner) {
      const schedule = async (at: Date) => {
        const slot = new Date(Math.floor(at.getTime() / LINK_SWEEP_EVERY_MS) * LINK_SWEEP_EVERY_MS);
        await LINK_SWEEP_QUEUE.enqueue(repo.db, { slot: slot.toISOString() }, { dedupeKey: `${LINK_SWEEP_QUEUE.queue}:${slot.toISOString()}`, now: at, runAt: slot });
      };
      jobs.register(LINK_SWEEP_QUEUE, async () => {
        await schedule(new Date(clock.now().getTime() + LINK_SWEEP_EVERY_MS));
        await pruneFinishedRuns(repo.db, LINK_SWEEP_QUEUE, new Date(clock.now().getTime() - PERIODIC_JOBS_KEPT_MS));
        await sweep();
      });
      await schedule(clock.now());
    },
  };
}
export type Linking = ReturnType<typeof createLinking>;
