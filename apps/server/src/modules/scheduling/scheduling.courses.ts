import type { Tx } from '../../platform/db';
import type { BookingRow, SchedulingRepo } from './scheduling.repo';

/** What the course said of a booking made in it: not a current member (nothing is booked), or tagged, and whether the course's allowance pays for it. */
export type CourseTag = { tagged: false } | { tagged: true; covered: boolean };

/**
 * LTI plugs in here (#16): a booking made from a course's "Book tutoring" item is tagged with that course inside the
 * booking's own transaction, and a lesson that would need paying may be paid by the course's allowance instead
 * (decision 068). A cancelled booking gives its draw back unless the school is billed for it (decision 076); a moved
 * one keeps its tag.
 */
export interface BookingCourses {
  tagBooking(tx: Tx, tag: { bookingId: string; courseId: string; userId: string; at: Date; startsAt: Date; minutes: number; needsPayment: boolean }): Promise<CourseTag>;
  /** `outcome` is 'cancelled' or 'late_cancellation', `by` who cancelled (null: neither party, e.g. an admin). */
  bookingCancelled(tx: Tx, e: { bookingId: string; at: Date; outcome: string; by: 'student' | 'tutor' | null }): Promise<void>;
  bookingMoved(tx: Tx, e: { from: string; to: string; at: Date }): Promise<void>;
}

/** Thrown inside the booking's transaction to roll it back when the course refuses the tag. */
export class CourseRefused extends Error {}

/**
 * Inside the booking's transaction: tags `b` with its course (CourseRefused rolls everything back when the learner is
 * not a current member), and confirms a held booking at once when the course's allowance covers it.
 */
export async function tagInCourse(
  tx: Tx,
  d: { courses: BookingCourses | undefined; repo: SchedulingRepo },
  b: BookingRow,
  p: { courseId: string; userId: string; now: Date; minutes: number },
): Promise<{ row: BookingRow; covered: boolean }> {
  const held = b.status === 'held';
  const tag = d.courses ? await d.courses.tagBooking(tx, { bookingId: b.id, courseId: p.courseId, userId: p.userId, at: p.now, startsAt: b.startsAt, minutes: p.minutes, needsPayment: held }) : { tagged: false as const };
  if (!tag.tagged) throw new CourseRefused();
  if (!held || !tag.covered) return { row: b, covered: false };
  const row = await d.repo.confirmHold(tx, b.id, p.now);
  if (!row) throw new Error(`booking ${b.id} was held in this transaction and could not be confirmed`);
  return { row, covered: true };
}
