import { and, lt, sql } from 'drizzle-orm';
import { type Db } from '../../platform/db';
import { uploadCounters } from './media.schema';
import type { UploadWindow } from './media.rules';

class WindowFull extends Error {
  constructor(readonly index: number) {
    super('upload window full');
  }
}

/** The upload counters (media's only table): one row per user per window, shared by every node. */
export function createMediaRepo(db: Db) {
  return {
    /**
     * Counts one upload in every window, each only while it is under its limit, in one transaction: either all
     * windows count it, or none does and the index of the first full window is returned. Concurrent uploads of one
     * user serialise on the counter rows, so no window ever passes its limit.
     */
    async takeUpload(userId: string, windows: { window: UploadWindow; startsAt: Date; limit: number }[]): Promise<{ ok: true } | { ok: false; full: number }> {
      try {
        await db.transaction(async (tx) => {
          for (const [i, w] of windows.entries()) {
            const rows = await tx
              .insert(uploadCounters)
              .values({ userId, window: w.window, startsAt: w.startsAt, count: 1 })
              .onConflictDoUpdate({
                target: [uploadCounters.userId, uploadCounters.window, uploadCounters.startsAt],
                set: { count: sql`${uploadCounters.count} + 1` },
                setWhere: sql`${uploadCounters.count} < ${w.limit}`,
              })
              .returning({ count: uploadCounters.count });
            if (!rows.length || rows[0]!.count > w.limit) throw new WindowFull(i);
          }
        });
        return { ok: true };
      } catch (err) {
        if (err instanceof WindowFull) return { ok: false, full: err.index };
        throw err;
      }
    },

    /** Deletes counters of windows that started before `before` (they can no longer refuse anything). */
    async pruneCounters(before: Date): Promise<number> {
      const gone = await db.delete(uploadCounters).where(and(lt(uploadCounters.startsAt, before))).returning({ userId: uploadCounters.userId });
      return gone.length;
    },
  };
}
export type MediaRepo = ReturnType<typeof createMediaRepo>;
