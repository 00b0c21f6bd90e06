import { and, eq, isNotNull, or } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import { countInto, type ErasureCounts, type ErasureRules, type UserEraser } from '../../platform/user-erasure';
import { bookingReviews, studentTutorPrefs } from './tutors.schema';

/** tutors' erasure rules (#20, decision 077). */
export const TUTORS_ERASURE_RULES: ErasureRules = {
  student_tutor_prefs: { rule: 'erase', what: "a student's favourites and blocks, and a tutor's rows in them" },
  booking_reviews: { rule: 'anonymise', what: "the stars stay in the tutor's rating; comments written by or about the user are cleared" },
};

export function createTutorsErasure(deps: { db: Db }): UserEraser {
  const { db } = deps;
  return {
    module: 'tutors',
    async eraseFor(userId) {
      const counts: ErasureCounts = {};
      countInto(counts, 'student_tutor_prefs', (await db.delete(studentTutorPrefs).where(or(eq(studentTutorPrefs.studentId, userId), eq(studentTutorPrefs.tutorId, userId))).returning({ id: studentTutorPrefs.studentId })).length);
      const reviews = await db
        .update(bookingReviews)
        .set({ comment: null })
        .where(and(or(eq(bookingReviews.studentId, userId), eq(bookingReviews.tutorId, userId)), isNotNull(bookingReviews.comment)))
        .returning({ id: bookingReviews.bookingId });
      countInto(counts, 'booking_reviews', reviews.length);
      return counts;
    },
  };
}
