import type { Clock } from '../../platform/clock';
import type { Db, Tx } from '../../platform/db';
import { z } from 'zod';
import { defineJob, type JobRunner, PERIODIC_JOBS_KEPT_MS, pruneFinishedRuns } from '../../platform/jobs';
import type { Logger } from '../../platform/logger';
import type { PhotoService } from '../media';
import type { HelpRepo } from './help.repo';

/** The queue of the periodic cleanup of photos that were uploaded but never attached to a question. */
export const PHOTO_CLEANUP_QUEUE = defineJob('help.photo_cleanup', z.object({ slot: z.iso.datetime() }));
/** How often the cleanup runs: a photo is deleted at most this long after it became due. */
export const PHOTO_CLEANUP_EVERY_MS = 15 * 60_000;
const PAGE = 200;

export interface PhotoCleanupDeps {
  repo: HelpRepo;
  photos: Pick<PhotoService, 'remove'>;
  clock: Clock;
  logger: Logger;
  /** How long an unattached photo is kept (a student may take a while to press Send). */
  keptMs: number;
  /** Other housekeeping of uploads run with it (the upload quota's old counters). */
  alsoPrune?: (now: Date) => Promise<unknown>;
}

/** The cleanup job for the time slot `at` falls in: one per slot however many processes enqueue it (dedupe key). */
export async function schedulePhotoCleanup(db: Db | Tx, at: Date): Promise<void> {
  const slot = new Date(Math.floor(at.getTime() / PHOTO_CLEANUP_EVERY_MS) * PHOTO_CLEANUP_EVERY_MS);
  await PHOTO_CLEANUP_QUEUE.enqueue(db, { slot: slot.toISOString() }, { dedupeKey: `${PHOTO_CLEANUP_QUEUE.queue}:${slot.toISOString()}`, now: at, runAt: slot });
}

/**
 * Deletes photos never attached to a question once they are older than `keptMs`: the row first (only if still
 * unattached, so an ask attaching it at that moment wins), then its files. Running it again changes nothing.
 */
export function createPhotoCleanup(deps: PhotoCleanupDeps) {
  const { repo, photos, clock, logger } = deps;

  async function sweep(): Promise<{ deleted: number }> {
    const now = clock.now();
    const before = new Date(now.getTime() - deps.keptMs);
    let deleted = 0;
    let bytes = 0;
    for (;;) {
      const page = await repo.unattachedPhotosBefore(before, PAGE);
      for (const p of page) {
        const row = await repo.deleteUnattachedPhoto(p.id);
        if (!row) continue;
        try {
          await photos.remove({ key: row.storageKey, thumbKey: row.thumbKey });
        } catch (err) {
          // The row is gone, so nothing can show the file any more; a file left behind only takes space.
          logger.error({ err, event: 'photo_file_delete_failed', photoId: row.id }, 'could not delete an unattached photo file');
        }
        deleted++;
        bytes += row.bytes;
      }
      if (page.length < PAGE) break;
    }
    if (deleted) logger.info({ event: 'unattached_photos_deleted', deleted, bytes, uploadedBefore: before.toISOString() }, 'unattached photos deleted');
    await deps.alsoPrune?.(now);
    return { deleted };
  }

  return {
    sweep,
    /** Registers the cleanup's queue and makes sure one is queued; each run queues the next and prunes old runs. */
    async install(jobs: JobRunner, db: Db) {
      jobs.register(PHOTO_CLEANUP_QUEUE, async () => {
        await schedulePhotoCleanup(db, new Date(clock.now().getTime() + PHOTO_CLEANUP_EVERY_MS));
        await pruneFinishedRuns(db, PHOTO_CLEANUP_QUEUE, new Date(clock.now().getTime() - PERIODIC_JOBS_KEPT_MS));
        await sweep();
      });
      await schedulePhotoCleanup(db, clock.now());
    },
  };
}
export type PhotoCleanup = ReturnType<typeof createPhotoCleanup>;
