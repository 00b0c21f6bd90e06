import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import type { UserExportSource } from '../../platform/user-export';
import { questionEvents, questionPhotos, questions } from './help.schema';

/** help's share of a user's export (#20): the questions they asked with their history, and their question photos. */
export function createHelpExport(db: Db): UserExportSource {
  return {
    module: 'help',
    async exportFor(userId) {
      const asked = await db.select().from(questions).where(eq(questions.studentId, userId)).orderBy(asc(questions.createdAt));
      const ids = asked.map((q) => q.id);
      const events = ids.length ? await db.select().from(questionEvents).where(inArray(questionEvents.questionId, ids)).orderBy(asc(questionEvents.at)) : [];
      const photos = await db.select().from(questionPhotos).where(eq(questionPhotos.ownerId, userId)).orderBy(asc(questionPhotos.createdAt));
      const fileName = (p: (typeof photos)[number]) => `photos/questions/${p.id}${extOf(p.storageKey)}`;
      const json = {
        questions: asked.map((q) => ({
          id: q.id,
          subjectId: q.subjectId,
          level: q.level,
          text: q.text,
          status: q.status,
          createdAt: q.createdAt,
          claimedAt: q.claimedAt,
          answeredAt: q.answeredAt,
          closedAt: q.closedAt,
          sessionId: q.sessionId,
          rating: q.rating,
          ratingComment: q.ratingComment,
          events: events.filter((e) => e.questionId === q.id).map((e) => ({ type: e.type, at: e.at })),
          photos: photos.filter((p) => p.questionId === q.id).map(fileName),
        })),
      };
      return { json, files: photos.map((p) => ({ name: fileName(p), key: p.storageKey })) };
    },
  };
}

const extOf = (key: string) => /\.[a-z0-9]+$/.exec(key)?.[0] ?? '';
