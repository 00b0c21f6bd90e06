import { and, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { bookingReviews, studentTutorPrefs } from './tutors.schema';

/**
 * What other modules may read and record of a student's preferences about tutors, through index.ts (#14). Help
 * prefers a student's favourites, skips tutors they blocked, and records the best stars they gave a tutor.
 */
export type StudentTutorPrefs = typeof studentTutorPrefs.$inferSelect;
const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

/** The student's preferences about these tutors (tutors without a row are left out). */
export async function studentPrefsFor(q: Db | Tx, studentId: string, tutorIds: readonly string[]): Promise<StudentTutorPrefs[]> {
  const wanted = [...new Set(tutorIds)].filter(isUuid);
  if (!wanted.length || !isUuid(studentId)) return [];
  return q
    .select()
    .from(studentTutorPrefs)
    .where(and(eq(studentTutorPrefs.studentId, studentId), sql`${studentTutorPrefs.tutorId} = any(${sql.param(wanted)}::uuid[])`));
}

/** The student rated the tutor: their best stars so far are kept, and a favourite choice made with the rating. */
export async function recordStudentRating(tx: Tx, studentId: string, tutorId: string, stars: number, favourite: boolean | undefined): Promise<void> {
  await tx
    .insert(studentTutorPrefs)
    .values({ studentId, tutorId, bestRating: stars, favourite: favourite ?? false })
    .onConflictDoUpdate({
      target: [studentTutorPrefs.studentId, studentTutorPrefs.tutorId],
      set: {
        bestRating: sql`greatest(coalesce(${studentTutorPrefs.bestRating}, 0), ${stars})`,
        ...(favourite === undefined ? {} : { favourite }),
      },
    });
}

/** Every student's (or one student's) favourite tutors (#17: recommendations count a favourite as liking the tutor). */
export async function allFavourites(q: Db | Tx, studentId?: string): Promise<{ studentId: string; tutorId: string }[]> {
  return q.select({ studentId: studentTutorPrefs.studentId, tutorId: studentTutorPrefs.tutorId }).from(studentTutorPrefs).where(and(eq(studentTutorPrefs.favourite, true), studentId ? eq(studentTutorPrefs.studentId, studentId) : undefined));
}

/** Reviews of booked lessons written in [since, until): the stars a student gave a tutor (#17). */
export async function lessonReviewsBetween(q: Db | Tx, range: { since: Date; until: Date; studentId?: string | undefined }): Promise<{ studentId: string; tutorId: string; rating: number; createdAt: Date }[]> {
  return q
    .select({ studentId: bookingReviews.studentId, tutorId: bookingReviews.tutorId, rating: bookingReviews.rating, createdAt: bookingReviews.createdAt })
    .from(bookingReviews)
    .where(and(gte(bookingReviews.createdAt, range.since), lt(bookingReviews.createdAt, range.until), range.studentId ? eq(bookingReviews.studentId, range.studentId) : undefined));
}
