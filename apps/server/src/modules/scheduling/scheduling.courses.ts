import type { Tx } from '../../platform/db';

/**
 * LTI plugs in here (#16): a booking made from a course's "Book tutoring" item is tagged with that course inside the
 * booking's own transaction. `false` when the learner is not a current member of that course: nothing is booked.
 */
export interface BookingCourses {
  tagBooking(tx: Tx, tag: { bookingId: string; courseId: string; userId: string; at: Date }): Promise<boolean>;
}

/** Thrown inside the booking's transaction to roll it back when the course refuses the tag. */
export class CourseRefused extends Error {}
