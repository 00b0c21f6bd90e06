import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import { type Fail, fail, ok, type Result } from '../../platform/result';
import type { MediaRepo } from './media.repo';
import { type UploadLimits, uploadRefusal, uploadWindows } from './media.rules';

/**
 * A per-user rate (uploads a minute) and daily quota (uploads a UTC day) on every upload route, counted in the
 * database so every node sees the same counts. An upload is counted before its file is decoded, so a flood costs
 * no image work; a refusal is a 429 with Retry-After (media.http.ts).
 */
/** Over the per-minute rate or the daily quota: the words, which limit, and when the next upload is taken. */
export type UploadLimited = Fail<'rate_limited', { message: string; reason: 'upload_rate' | 'upload_quota'; retryAfterSeconds: number }>;

export function createUploadQuota(deps: { repo: MediaRepo; clock: Clock; logger: Logger; limits: UploadLimits }) {
  const { repo, clock, logger, limits } = deps;
  return {
    limits,
    /** Counts one upload by `userId`, or refuses it with when they may upload again. */
    async take(userId: string, kind: string): Promise<Result<void, UploadLimited>> {
      const now = clock.now();
      const windows = uploadWindows(now);
      const result = await repo.takeUpload(
        userId,
        windows.map((w) => ({ window: w.window, startsAt: w.startsAt, limit: w.window === 'minute' ? limits.perMinute : limits.perDay })),
      );
      if (result.ok) return ok(undefined);
      const full = windows[result.full]!;
      const refusal = uploadRefusal(full.window, limits, full.endsAt, now);
      logger.warn({ event: 'upload_refused', userId, kind, window: full.window, limit: full.window === 'minute' ? limits.perMinute : limits.perDay }, 'upload refused: over the limit');
      return fail('rate_limited', { message: refusal.message, reason: full.window === 'minute' ? 'upload_rate' : 'upload_quota', retryAfterSeconds: refusal.retryAfterSeconds } as const);
    },
    /** Forgets counters of windows that ended long ago (run by the unattached-photos cleanup). */
    pruneBefore: (before: Date) => repo.pruneCounters(before),
  };
}
export type UploadQuota = ReturnType<typeof createUploadQuota>;
