import type { Tx } from '../../platform/db';
import type { Logger } from '../../platform/logger';
import type { BookingCourses, CourseTag } from '../scheduling';
import type { AllowanceRepo } from './lti.allowance.repo';
import { drawReturnsOnCancel } from './lti.allowance.rules';
import type { DeepLinkRepo } from './lti.deeplink.repo';

/**
 * A booking made from a placed "Book tutoring" item is tagged with its course (issue #16) in the booking's own
 * transaction: scheduling calls `tagBooking` through its BOOKING_COURSES port with the course the page sent, and a
 * learner who is not a current member of that course gets nothing booked (scheduling answers 403). A lesson that
 * needs paying is paid by the course's allowance while the learner's month has room (decision 068); a cancellation
 * gives the draw back unless the school is billed for it (a learner's late cancellation, decision 076), and a moved
 * lesson keeps its tag and draw.
 */
export function createCourseBookings(deps: { links: DeepLinkRepo; allowances: AllowanceRepo; logger: Logger }) {
  const { links, allowances, logger } = deps;
  return {
    async tagBooking(tx: Tx, t: { bookingId: string; courseId: string; userId: string; at: Date; startsAt: Date; minutes: number; needsPayment: boolean }): Promise<CourseTag> {
      const r = await allowances.tagAndDraw(tx, t);
      if (!r.tagged) return { tagged: false };
      logger.info({ event: 'lti_booking_tagged', bookingId: t.bookingId, courseId: t.courseId, userId: t.userId }, 'booking tagged with its LMS course');
      if (r.drew) logger.info({ event: 'lti_allowance_drawn', bookingId: t.bookingId, courseId: t.courseId, userId: t.userId, ...r.drew }, "the course's allowance pays for this lesson");
      else if (t.needsPayment) logger.info({ event: 'lti_allowance_not_drawn', bookingId: t.bookingId, courseId: t.courseId, userId: t.userId }, 'no course allowance left for this lesson: the learner pays');
      return { tagged: true, covered: r.drew !== null };
    },

    async bookingCancelled(tx: Tx, e: { bookingId: string; at: Date; outcome: string; by: 'student' | 'tutor' | null }): Promise<void> {
      if (!drawReturnsOnCancel(e)) {
        // The school is billed for a learner's late cancellation (decision 075), so the learner's month keeps the draw (decision 076).
        logger.info({ event: 'lti_allowance_kept', bookingId: e.bookingId, outcome: e.outcome, by: e.by }, "a learner's late cancellation keeps the course allowance used");
        return;
      }
      const back = await allowances.returnDraw(tx, e.bookingId, e.at);
      if (back) logger.info({ event: 'lti_allowance_returned', bookingId: e.bookingId, courseId: back.courseId, userId: back.userId, unit: back.allowanceUnit, amount: back.allowanceUsed, month: back.allowanceMonth }, "a cancelled lesson's allowance is given back");
    },

    async bookingMoved(tx: Tx, e: { from: string; to: string; at: Date }): Promise<void> {
      if (await allowances.moveTag(tx, e.from, e.to)) logger.info({ event: 'lti_booking_tag_moved', from: e.from, to: e.to }, 'a moved lesson keeps its course tag');
    },

    bookingsOfCourse: (courseId: string) => links.bookingsOfCourse(courseId),
  } satisfies BookingCourses & Record<string, unknown>;
}
export type CourseBookings = ReturnType<typeof createCourseBookings>;

/** Without LTI (production with no SIGNING_SECRET) no one is in a course: a booking naming one is refused. */
export const noCourseBookings: BookingCourses = { tagBooking: async () => ({ tagged: false }), bookingCancelled: async () => {}, bookingMoved: async () => {} };
