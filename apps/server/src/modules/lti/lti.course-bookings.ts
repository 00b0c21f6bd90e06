import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBodySchema } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { AppError } from '../../platform/errors';
import type { Logger } from '../../platform/logger';
import { caller } from '../identity';
import { bookingsByIds } from '../scheduling';
import type { LtiRepo } from './lti.repo';
import type { DeepLinkRepo } from './lti.deeplink.repo';

export type TagFailure = 'not_in_course' | 'booking_unknown';

/**
 * A booking made from a placed "Book tutoring" item is tagged with its course (issue #16): the learner's page, opened
 * with ?course=…, names the booking it just made; the course must be theirs and the booking theirs (read through
 * scheduling's index). Tagging twice is a no-op.
 */
export function createCourseBookings(deps: { repo: LtiRepo; links: DeepLinkRepo; db: Db; clock: Clock; logger: Logger }) {
  const { repo, links, db, clock, logger } = deps;
  return {
    async tag(courseId: string, bookingId: string, userId: string): Promise<{ ok: true; tagged: boolean } | { ok: false; reason: TagFailure }> {
      const course = await repo.courseOf(courseId, userId);
      if (!course) return { ok: false, reason: 'not_in_course' };
      const [booking] = await bookingsByIds(db, [bookingId]);
      if (!booking || booking.studentId !== userId) return { ok: false, reason: 'booking_unknown' };
      const tagged = await links.tagBooking({ bookingId, courseId, userId, taggedAt: clock.now() });
      if (tagged) logger.info({ event: 'lti_booking_tagged', bookingId, courseId, userId }, 'booking tagged with its LMS course');
      return { ok: true, tagged };
    },

    bookingsOfCourse: (courseId: string) => links.bookingsOfCourse(courseId),
  };
}
export type CourseBookings = ReturnType<typeof createCourseBookings>;

export async function courseBookingRoutes(fastify: FastifyInstance, opts: { courseBookings: CourseBookings }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.post('/api/lti/courses/:id/bookings', {
    config: { access: ['student'] },
    schema: {
      tags: ['lti'],
      summary: 'Tag a booking the caller made from a course item with that course',
      params: z.strictObject({ id: z.uuid('is not a course id') }),
      body: z.strictObject({ bookingId: z.uuid('is not a booking id') }),
      response: { 200: z.object({ tagged: z.boolean() }), 404: errorBodySchema, 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema },
    },
    handler: async (request) => {
      const result = await opts.courseBookings.tag(request.params.id, request.body.bookingId, caller(request).id);
      if (!result.ok) {
        request.log.warn({ event: 'lti_booking_tag_refused', reason: result.reason }, 'booking not tagged');
        throw new AppError(404, 'not_found', result.reason === 'not_in_course' ? 'That course was not found.' : 'That booking was not found.');
      }
      return { tagged: result.tagged };
    },
  });
}
