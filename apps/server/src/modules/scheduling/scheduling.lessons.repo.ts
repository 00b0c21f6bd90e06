import { and, asc, eq, gt, lte, or } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { addCompletedSession } from '../identity';
import { bookings } from './scheduling.schema';

export type LessonBookingRow = typeof bookings.$inferSelect;

/** The bookings side of booked lessons in the room: reading a party's booking, finding lessons to settle, settling. */
export function createLessonsRepo(db: Db) {
  return {
    db,

    /** The booking, only when `userId` is its student or tutor. */
    async findForParty(id: string, userId: string): Promise<LessonBookingRow | undefined> {
      const [row] = await db
        .select()
        .from(bookings)
        .where(and(eq(bookings.id, id), or(eq(bookings.studentId, userId), eq(bookings.tutorId, userId))))
        .limit(1);
      return row;
    },

    /**
     * Confirmed bookings that started at or before `startedBy` (their no-show deadline has passed), oldest first,
     * after the keyset (startsAt, id) of the previous page.
     */
    async confirmedStartedBy(startedBy: Date, limit: number, after?: { startsAt: Date; id: string }): Promise<LessonBookingRow[]> {
      return db
        .select()
        .from(bookings)
        .where(
          and(
            eq(bookings.status, 'confirmed'),
            lte(bookings.startsAt, startedBy),
            after ? or(gt(bookings.startsAt, after.startsAt), and(eq(bookings.startsAt, after.startsAt), gt(bookings.id, after.id))) : undefined,
          ),
        )
        .orderBy(asc(bookings.startsAt), asc(bookings.id))
        .limit(limit);
    },

    /** Settles a confirmed booking; undefined when it was no longer confirmed (settled by another sweep, cancelled). */
    async settle(tx: Tx, id: string, values: { status: 'completed' | 'no_show'; outcome: 'completed' | 'tutor_no_show' | 'student_no_show' | 'both_no_show'; settledAt: Date }) {
      const [row] = await tx
        .update(bookings)
        .set(values)
        .where(and(eq(bookings.id, id), eq(bookings.status, 'confirmed')))
        .returning();
      return row;
    },

    /** The tutor's completed-sessions figure is identity's: bumped through its index, in this transaction. */
    async countCompletedLesson(tx: Tx, tutorId: string) {
      await addCompletedSession(tx, tutorId);
    },
  };
}
export type LessonsRepo = ReturnType<typeof createLessonsRepo>;
