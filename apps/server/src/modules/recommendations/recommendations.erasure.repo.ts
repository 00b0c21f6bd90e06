import { eq, or } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import { countInto, type ErasureCounts, type ErasureRules, type UserEraser } from '../../platform/user-erasure';
import { recommendationSettings, tutorProfileViews } from './recommendations.schema';

/** recommendations' erasure rules (#20, decision 077). */
export const RECOMMENDATIONS_ERASURE_RULES: ErasureRules = {
  recommendation_settings: { rule: 'erase', what: "the student's recommendation choices" },
  tutor_profile_views: { rule: 'erase', what: 'profiles the student viewed, and views of the tutor' },
  recommendation_models: { rule: 'keep_pseudonymised', why: 'trained factors keyed by id, replaced by the next nightly training, which no longer sees the user' },
};

export function createRecommendationsErasure(deps: { db: Db }): UserEraser {
  const { db } = deps;
  return {
    module: 'recommendations',
    async eraseFor(userId) {
      const counts: ErasureCounts = {};
      countInto(counts, 'recommendation_settings', (await db.delete(recommendationSettings).where(eq(recommendationSettings.studentId, userId)).returning({ id: recommendationSettings.studentId })).length);
      countInto(counts, 'tutor_profile_views', (await db.delete(tutorProfileViews).where(or(eq(tutorProfileViews.studentId, userId), eq(tutorProfileViews.tutorId, userId))).returning({ id: tutorProfileViews.studentId })).length);
      return counts;
    },
  };
}
