import { and, desc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import { recommendationModels, recommendationSettings, tutorProfileViews } from './recommendations.schema';

export type StoredModelRow = typeof recommendationModels.$inferSelect;
export type StoredModelHead = Omit<StoredModelRow, 'bytes' | 'popularity'>;

/** The only code of the recommendations module that touches its tables. */
export function createRecommendationsRepo(db: Db) {
  return {
    db,

    /** The newest model's version and figures (no bytes): what a node polls to see whether it must reload. */
    async latestModelHead(): Promise<StoredModelHead | undefined> {
      const [row] = await db
        .select({ version: recommendationModels.version, trainedAt: recommendationModels.trainedAt, metrics: recommendationModels.metrics, tutors: recommendationModels.tutors, students: recommendationModels.students, interactions: recommendationModels.interactions })
        .from(recommendationModels)
        .orderBy(desc(recommendationModels.trainedAt), desc(recommendationModels.version))
        .limit(1);
      return row;
    },

    async modelBytes(version: string): Promise<{ bytes: Uint8Array; popularity: Record<string, number> } | undefined> {
      const [row] = await db.select({ bytes: recommendationModels.bytes, popularity: recommendationModels.popularity }).from(recommendationModels).where(eq(recommendationModels.version, version)).limit(1);
      return row;
    },

    /** Stores a finished model in one statement (a run killed before this leaves the previous model the latest). */
    async insertModel(row: StoredModelRow): Promise<void> {
      await db.insert(recommendationModels).values(row).onConflictDoNothing({ target: recommendationModels.version });
    },

    /** Deletes all but the newest `keep` models. */
    async pruneModels(keep: number): Promise<number> {
      const kept = db.select({ version: recommendationModels.version }).from(recommendationModels).orderBy(desc(recommendationModels.trainedAt)).limit(keep);
      const gone = await db.delete(recommendationModels).where(sql`${recommendationModels.version} not in (${kept})`).returning({ version: recommendationModels.version });
      return gone.length;
    },

    async settingsOf(studentId: string): Promise<{ personalised: boolean; language: string | null } | undefined> {
      const [row] = await db.select({ personalised: recommendationSettings.personalised, language: recommendationSettings.language }).from(recommendationSettings).where(eq(recommendationSettings.studentId, studentId)).limit(1);
      return row;
    },

    async saveSettings(studentId: string, s: { personalised: boolean; language: string | null }, now: Date): Promise<void> {
      await db
        .insert(recommendationSettings)
        .values({ studentId, ...s, updatedAt: now })
        .onConflictDoUpdate({ target: recommendationSettings.studentId, set: { ...s, updatedAt: now } });
    },

    /** One row per student, tutor and day; a second view that day changes nothing. */
    async recordView(studentId: string, tutorId: string, day: string, now: Date): Promise<void> {
      await db.insert(tutorProfileViews).values({ studentId, tutorId, day, viewedAt: now }).onConflictDoNothing();
    },

    async viewsBetween(range: { since: Date; until: Date; studentId?: string | undefined }): Promise<{ studentId: string; tutorId: string; viewedAt: Date }[]> {
      return db
        .select({ studentId: tutorProfileViews.studentId, tutorId: tutorProfileViews.tutorId, viewedAt: tutorProfileViews.viewedAt })
        .from(tutorProfileViews)
        .where(and(gte(tutorProfileViews.viewedAt, range.since), lt(tutorProfileViews.viewedAt, range.until), range.studentId ? eq(tutorProfileViews.studentId, range.studentId) : undefined));
    },
  };
}
export type RecommendationsRepo = ReturnType<typeof createRecommendationsRepo>;
