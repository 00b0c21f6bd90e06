import { and, asc, eq, gt, inArray, lt, notExists, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import type { Logger } from '../../platform/logger';
import { type RetentionCount, type RetentionCut, removeByScope } from '../../platform/retention';
import type { PhotoService } from '../media';
import { callEvents, roomMessages, roomPhotos } from './rooms.schema';

/** Sorted, distinct, at most `limit`: the first `limit` of a union are within the first `limit` of each part. */
const firstOf = (limit: number, ...parts: string[][]) => [...new Set(parts.flat())].sort().slice(0, limit);

/**
 * Retention of 1:1 room chat (issue #20): messages and chat photos older than `cut.before` are deleted, the photos'
 * files from storage too, except in sessions under a safety report's hold. A photo a newer message still shows stays
 * with that message.
 */
export async function removeOldRoomChat(deps: { db: Db; photos: Pick<PhotoService, 'remove'>; logger: Logger }, cut: RetentionCut): Promise<RetentionCount> {
  const { db, photos, logger } = deps;
  const scopes = async (after: string | undefined, limit: number) => {
    const [m, p] = await Promise.all([
      db.selectDistinct({ id: roomMessages.sessionId }).from(roomMessages).where(and(lt(roomMessages.createdAt, cut.before), after ? gt(roomMessages.sessionId, after) : undefined)).orderBy(asc(roomMessages.sessionId)).limit(limit),
      db.selectDistinct({ id: roomPhotos.sessionId }).from(roomPhotos).where(and(lt(roomPhotos.createdAt, cut.before), after ? gt(roomPhotos.sessionId, after) : undefined)).orderBy(asc(roomPhotos.sessionId)).limit(limit),
    ]);
    return firstOf(limit, m.map((r) => r.id), p.map((r) => r.id));
  };
  return removeByScope(cut, scopes, async (ids) => {
    const messages = await db.delete(roomMessages).where(and(inArray(roomMessages.sessionId, ids), lt(roomMessages.createdAt, cut.before))).returning({ id: roomMessages.id });
    const shown = db.select({ one: sql`1` }).from(roomMessages).where(eq(roomMessages.photoId, roomPhotos.id));
    const gone = await db
      .delete(roomPhotos)
      .where(and(inArray(roomPhotos.sessionId, ids), lt(roomPhotos.createdAt, cut.before), notExists(shown)))
      .returning({ id: roomPhotos.id, key: roomPhotos.storageKey, thumbKey: roomPhotos.thumbKey, bytes: roomPhotos.bytes });
    let bytes = 0;
    for (const p of gone) {
      try {
        await photos.remove({ key: p.key, thumbKey: p.thumbKey });
      } catch (err) {
        // The row is gone, so nothing can show the file any more; a file left behind only takes space.
        logger.error({ err, event: 'retention_file_delete_failed', kind: 'chat', photoId: p.id }, 'could not delete a chat photo file');
      }
      bytes += p.bytes;
    }
    return { rows: messages.length + gone.length, files: gone.length, bytes, held: 0 };
  });
}

/** Retention of call diagnostics: the call timeline (joins, reconnects, quality samples…) older than `cut.before`. */
export async function removeOldCallEvents(deps: { db: Db }, cut: RetentionCut): Promise<RetentionCount> {
  const { db } = deps;
  const scopes = async (after: string | undefined, limit: number) =>
    (await db.selectDistinct({ id: callEvents.sessionId }).from(callEvents).where(and(lt(callEvents.at, cut.before), after ? gt(callEvents.sessionId, after) : undefined)).orderBy(asc(callEvents.sessionId)).limit(limit)).map((r) => r.id);
  return removeByScope(cut, scopes, async (ids) => {
    const gone = await db.delete(callEvents).where(and(inArray(callEvents.sessionId, ids), lt(callEvents.at, cut.before))).returning({ id: callEvents.id });
    return { rows: gone.length, files: 0, bytes: 0, held: 0 };
  });
}
