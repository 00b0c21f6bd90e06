import {
  activeHoldsQuerySchema,
  activeHoldsSchema,
  availabilityPolicyBodySchema,
  availabilityPolicySchema,
  bookBodySchema,
  bookingSchema,
  bookSeriesBodySchema,
  myBookingSchema,
  calendarFeedSchema,
  errorBodySchema,
  rescheduleBodySchema,
  seriesCancelResultSchema,
  seriesPreviewQuerySchema,
  seriesPreviewSchema,
  seriesResultSchema,
  slotsQuerySchema,
  slotsSchema,
} from '@tutorline/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { valueOr } from '../../platform/errors';
import { caller } from '../identity';
import { bookErrors, seriesErrors } from './scheduling.http';
import type { CalendarService } from './scheduling.ics';
import type { SeriesService } from './scheduling.series';
import type { SchedulingService } from './scheduling.service';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };
const idParams = z.strictObject({ id: z.uuid('must be an id') });

const seriesParams = z.strictObject({ seriesId: z.uuid('must be an id') });
const calendarType = 'text/calendar; charset=utf-8';

export async function schedulingRoutes(fastify: FastifyInstance, opts: { scheduling: SchedulingService; series: SeriesService; calendar: CalendarService }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { scheduling, series, calendar } = opts;

  app.get('/api/tutors/me/availability', {
    config: { access: ['tutor'] },
    schema: { tags: ['scheduling'], summary: 'Your weekly availability for booked lessons (a default when never set)', response: { 200: availabilityPolicySchema, ...errors } },
    handler: async (request) => scheduling.getPolicy(caller(request)),
  });

  app.put('/api/tutors/me/availability', {
    config: { access: ['tutor'] },
    schema: { tags: ['scheduling'], summary: 'Set your weekly availability, date overrides, lengths, buffer, notice, daily cap and horizon', body: availabilityPolicyBodySchema, response: { 200: availabilityPolicySchema, ...errors } },
    handler: async (request) => scheduling.setPolicy(caller(request), request.body),
  });

  // Public: a tutor's free times are what a visitor browses before signing up, and they reveal no one's bookings.
  app.get('/api/tutors/:id/slots', {
    config: { access: 'public' },
    schema: { tags: ['scheduling'], summary: "A tutor's bookable slots starting in [from, to), read in the learner's zone", params: idParams, querystring: slotsQuerySchema, response: { 200: slotsSchema, ...errors } },
    handler: async (request) => {
      const q = request.query;
      return scheduling.slots(request.params.id, { from: new Date(q.from), to: new Date(q.to), durationMinutes: q.duration, learnerZone: q.zone });
    },
  });

  app.post('/api/bookings', {
    config: { access: ['student'] },
    schema: {
      tags: ['scheduling'],
      summary: 'Book a slot; a retry with the same idempotencyKey returns the same booking (200); a slot taken meanwhile is 409 with fresh slots of that day',
      body: bookBodySchema,
      response: { 200: bookingSchema, 201: bookingSchema, ...errors },
    },
    handler: async (request, reply) => {
      const { booking, created } = valueOr(await scheduling.book(caller(request), request.body), bookErrors);
      return reply.status(created ? 201 : 200).send(booking);
    },
  });

  app.get('/api/bookings', {
    config: { access: ['student', 'tutor'] },
    schema: { tags: ['scheduling'], summary: "Your bookings, as student or tutor, by start, each with both parties' names and time zones", response: { 200: z.object({ bookings: z.array(myBookingSchema) }), ...errors } },
    handler: async (request) => ({ bookings: await scheduling.listMine(caller(request)) }),
  });

  app.get('/api/bookings/holds', {
    config: { access: ['student'] },
    schema: {
      tags: ['scheduling'],
      summary: 'Your bookings with one tutor that are held for payment and not yet lapsed (to pay or release them after leaving the page)',
      querystring: activeHoldsQuerySchema,
      response: { 200: activeHoldsSchema, ...errors },
    },
    handler: async (request) => ({ holds: await scheduling.activeHolds(caller(request), request.query.tutorId) }),
  });

  app.post('/api/bookings/:id/cancel', {
    config: { access: ['student', 'tutor'] },
    schema: { tags: ['scheduling'], summary: 'Cancel a booking you are part of; close to the start it is a late cancellation', params: idParams, response: { 200: bookingSchema, ...errors } },
    handler: async (request) => scheduling.cancel(caller(request), request.params.id),
  });

  app.post('/api/bookings/:id/reschedule', {
    config: { access: ['student', 'tutor'] },
    schema: {
      tags: ['scheduling'],
      summary: "Move a confirmed lesson you are part of to another free slot (same length and price); refused with 409 inside the tutor's late window, where only cancelling is left",
      params: idParams,
      body: rescheduleBodySchema,
      response: { 200: bookingSchema, 201: bookingSchema, ...errors },
    },
    handler: async (request, reply) => {
      const { booking, created } = await scheduling.reschedule(caller(request), request.params.id, request.body);
      return reply.status(created ? 201 : 200).send(booking);
    },
  });

  // Public, like the slots it is made of.
  app.get('/api/tutors/:id/series-preview', {
    config: { access: 'public' },
    schema: {
      tags: ['scheduling'],
      summary: "Weekly lessons at the tutor's same local time: each week on both clocks, whether it is bookable, and daylight-saving warnings",
      params: idParams,
      querystring: seriesPreviewQuerySchema,
      response: { 200: seriesPreviewSchema, ...errors },
    },
    handler: async (request) => {
      const q = request.query;
      return series.preview(request.params.id, { start: new Date(q.start), durationMinutes: q.duration, weeks: q.weeks, learnerZone: q.zone });
    },
  });

  app.post('/api/bookings/series', {
    config: { access: ['student'] },
    schema: {
      tags: ['scheduling'],
      summary: 'Book weekly lessons (2–12 weeks), each week on its own: the booked weeks and the skipped ones with reasons; a retry with the same key books nothing twice',
      body: bookSeriesBodySchema,
      response: { 200: seriesResultSchema, ...errors },
    },
    handler: async (request) => valueOr(await series.book(caller(request), request.body), seriesErrors),
  });

  app.post('/api/bookings/series/:seriesId/cancel', {
    config: { access: ['student', 'tutor'] },
    schema: { tags: ['scheduling'], summary: "Cancel a weekly series' lessons that have not started yet", params: seriesParams, response: { 200: seriesCancelResultSchema, ...errors } },
    handler: async (request) => series.cancel(caller(request), request.params.seriesId),
  });

  app.get('/api/bookings/:id/invite.ics', {
    config: { access: ['student', 'tutor'] },
    schema: { tags: ['scheduling'], summary: 'The lesson as an iCalendar invitation (its parties only)', params: idParams },
    handler: async (request, reply) => reply.type(calendarType).header('content-disposition', 'attachment; filename="lesson.ics"').send(await calendar.invite(caller(request), request.params.id)),
  });

  app.post('/api/me/calendar-feed', {
    config: { access: ['student', 'tutor'] },
    schema: { tags: ['scheduling'], summary: 'Create (or replace) your personal calendar feed; its secret address is shown only in this response', response: { 200: calendarFeedSchema, ...errors } },
    handler: async (request) => calendar.createFeed(caller(request)),
  });

  // Public: calendar apps fetch it without a session; the unguessable token in the path is the credential.
  app.get('/cal/:file', {
    config: { access: 'public', secretParams: ['file'] },
    schema: { tags: ['scheduling'], summary: 'A personal calendar feed: /cal/<token>.ics', params: z.strictObject({ file: z.string().max(100) }) },
    handler: async (request, reply) => {
      const file = request.params.file;
      const token = file.endsWith('.ics') ? file.slice(0, -'.ics'.length) : '';
      return reply.type(calendarType).header('cache-control', 'private, max-age=300').send(await calendar.feed(token));
    },
  });
}
