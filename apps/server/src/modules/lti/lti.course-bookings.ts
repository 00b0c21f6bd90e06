import type { Tx } from '../../platform/db';
import type { Logger } from '../../platform/logger';
import type { BookingCourses } from '../scheduling';
import type { DeepLinkRepo } from './lti.deeplink.repo';

/**
 * A booking made from a placed "Book tutoring" item is tagged with its course (issue #16) in the booking's own
 * transaction: scheduling calls `tagBooking` through its BOOKING_COURSES port with the course the page sent, and a
 * learner who is not a current member of that course gets nothing booked (scheduling answers 403).
 */
export function createCourseBookings(deps: { links: DeepLinkRepo; logger: Logger }) {
  const { links, logger } = deps;
  return {
    async tagBooking(tx: Tx, t: { bookingId: string; courseId: string; userId: string; at: Date }): Promise<boolean> {
      const tagged = await links.tagBooking(tx, { bookingId: t.bookingId, courseId: t.courseId, userId: t.userId, taggedAt: t.at });
      if (tagged) logger.info({ event: 'lti_booking_tagged', bookingId: t.bookingId, courseId: t.courseId, userId: t.userId }, 'booking tagged with its LMS course');
      return tagged;
    },

    bookingsOfCourse: (courseId: string) => links.bookingsOfCourse(courseId),
  } satisfies BookingCourses & Record<string, unknown>;
}
export type CourseBookings = ReturnType<typeof createCourseBookings>;

/** Without LTI (production with no SIGNING_SECRET) no one is in a course: a booking naming one is refused. */
export const noCourseBookings: BookingCourses = { tagBooking: async () => false };
