import { and, asc, eq, gt, inArray, lt } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import type { Logger } from '../../platform/logger';
import { type RetentionCount, type RetentionCut, noneRemoved, RETENTION_PAGE } from '../../platform/retention';
import type { PhotoService } from '../media';
import { questionPhotos, questions } from './help.schema';

/**
 * Retention of question photos (issue #20): a question's photos (rows and files) are deleted once the question was
 * asked before `cut.before`; the question itself stays (its text, subject and outcome are the session's record).
 * Photos of a question whose session is under a safety report's hold are kept.
 */
export async function removeOldQuestionPhotos(deps: { db: Db; photos: Pick<PhotoService, 'remove'>; logger: Logger }, cut: RetentionCut): Promise<RetentionCount> {
  const { db, photos, logger } = deps;
  const total = noneRemoved();
  let after: string | undefined;
  for (;;) {
    const page = await db
      .selectDistinct({ id: questions.id, sessionId: questions.sessionId })
      .from(questionPhotos)
      .innerJoin(questions, eq(questions.id, questionPhotos.questionId))
      .where(and(lt(questions.createdAt, cut.before), after ? gt(questions.id, after) : undefined))
      .orderBy(asc(questions.id))
      .limit(RETENTION_PAGE);
    if (!page.length) break;
    const held = await cut.held(page.flatMap((q) => (q.sessionId ? [q.sessionId] : [])));
    const free = page.filter((q) => !(q.sessionId && held.has(q.sessionId))).map((q) => q.id);
    total.held += page.length - free.length;
    const gone = free.length
      ? await db.delete(questionPhotos).where(inArray(questionPhotos.questionId, free)).returning({ id: questionPhotos.id, key: questionPhotos.storageKey, thumbKey: questionPhotos.thumbKey, bytes: questionPhotos.bytes })
      : [];
    for (const p of gone) {
      try {
        await photos.remove({ key: p.key, thumbKey: p.thumbKey });
      } catch (err) {
        // The row is gone, so nothing can show the file any more; a file left behind only takes space.
        logger.error({ err, event: 'retention_file_delete_failed', kind: 'question_photos', photoId: p.id }, 'could not delete a question photo file');
      }
      total.rows++;
      total.files++;
      total.bytes += p.bytes;
    }
    if (page.length < RETENTION_PAGE) break;
    after = page.at(-1)!.id;
  }
  return total;
}
