import { and, eq, inArray, isNotNull, or } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import type { Logger } from '../../platform/logger';
import { countInto, type ErasureCounts, type ErasureRules, type UserEraser } from '../../platform/user-erasure';
import type { PhotoService } from '../media';
import { questionEvents, questionNotifications, questionPhotos, questions, tutorHelpStats } from './help.schema';

/** help's erasure rules (#20, decision 077). */
export const HELP_ERASURE_RULES: ErasureRules = {
  questions: { rule: 'anonymise', what: "a student's questions keep subject, level, status and times (the tutor's record that a question was answered, and the ledger's reference); the text and the rating comment are cleared" },
  question_photos: { rule: 'erase', what: 'the photos the user uploaded, rows and files' },
  question_events: { rule: 'anonymise', what: "the history of the student's questions keeps its types and times; the details are cleared" },
  question_notifications: { rule: 'erase', what: "a tutor's offers" },
  tutor_help_stats: { rule: 'erase', what: "a tutor's instant-help figures" },
  help_subject_rates: { rule: 'no_personal_data', why: 'prices per subject' },
};

/** help's eraser: question photos (files too), the text of the student's questions, a tutor's offers and figures. */
export function createHelpErasure(deps: { db: Db; photos: Pick<PhotoService, 'remove'>; logger: Logger }): UserEraser {
  const { db, photos, logger } = deps;
  return {
    module: 'help',
    async eraseFor(userId) {
      const counts: ErasureCounts = {};
      const gone = await db.delete(questionPhotos).where(eq(questionPhotos.ownerId, userId)).returning({ id: questionPhotos.id, key: questionPhotos.storageKey, thumbKey: questionPhotos.thumbKey });
      for (const p of gone) {
        try {
          await photos.remove({ key: p.key, thumbKey: p.thumbKey });
          countInto(counts, 'files', 2);
        } catch (err) {
          logger.error({ err, event: 'erasure_file_delete_failed', module: 'help', photoId: p.id }, 'could not delete a question photo file');
          throw err;
        }
      }
      countInto(counts, 'question_photos', gone.length);
      const asked = await db
        .update(questions)
        .set({ text: null, ratingComment: null })
        .where(and(eq(questions.studentId, userId), or(isNotNull(questions.text), isNotNull(questions.ratingComment))))
        .returning({ id: questions.id });
      countInto(counts, 'questions', asked.length);
      const mine = db.select({ id: questions.id }).from(questions).where(eq(questions.studentId, userId));
      const events = await db.update(questionEvents).set({ data: null }).where(and(inArray(questionEvents.questionId, mine), isNotNull(questionEvents.data))).returning({ id: questionEvents.id });
      countInto(counts, 'question_events', events.length);
      countInto(counts, 'question_notifications', (await db.delete(questionNotifications).where(eq(questionNotifications.tutorId, userId)).returning({ q: questionNotifications.questionId })).length);
      countInto(counts, 'tutor_help_stats', (await db.delete(tutorHelpStats).where(eq(tutorHelpStats.tutorId, userId)).returning({ t: tutorHelpStats.tutorId })).length);
      return counts;
    },
  };
}
