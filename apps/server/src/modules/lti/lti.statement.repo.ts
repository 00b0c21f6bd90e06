import { and, eq, gt } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import type { SchoolPaidLessons, SchoolPayer } from '../billing';
import { ltiCourseBookings, ltiCourses } from './lti.schema';

/** The lessons a course's allowance paid for (decision 075): what billing asks, and what the course statement lists. */
export function createStatementRepo(db: Db) {
  return {
    /** The course that paid for this booking, if its allowance drew on it (a returned draw still names its payer: billing decides by the outcome). */
    async payerOf(tx: Db | Tx, bookingId: string): Promise<SchoolPayer | null> {
      const [row] = await tx
        .select({ courseId: ltiCourses.id, registrationId: ltiCourses.registrationId })
        .from(ltiCourseBookings)
        .innerJoin(ltiCourses, eq(ltiCourses.id, ltiCourseBookings.courseId))
        .where(and(eq(ltiCourseBookings.bookingId, bookingId), gt(ltiCourseBookings.allowanceUsed, 0)))
        .limit(1);
      return row ?? null;
    },

    /** Every booking of the course its allowance drew on in `month` (YYYY-MM, by the lesson's start), returned or not. */
    async drawsIn(courseId: string, month: string) {
      return db
        .select({ bookingId: ltiCourseBookings.bookingId, userId: ltiCourseBookings.userId, returnedAt: ltiCourseBookings.allowanceReturnedAt })
        .from(ltiCourseBookings)
        .where(and(eq(ltiCourseBookings.courseId, courseId), eq(ltiCourseBookings.allowanceMonth, month), gt(ltiCourseBookings.allowanceUsed, 0)));
    },
  };
}
export type StatementRepo = ReturnType<typeof createStatementRepo>;

/** lti's answer to billing's SCHOOL_PAID_LESSONS port. */
export const schoolPaidLessonsOf = (repo: StatementRepo): SchoolPaidLessons => ({ payerOf: (tx, bookingId) => repo.payerOf(tx, bookingId) });
