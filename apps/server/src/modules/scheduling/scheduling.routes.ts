import { availabilityPolicyBodySchema, availabilityPolicySchema, bookBodySchema, bookingSchema, errorBodySchema, slotsQuerySchema, slotsSchema } from '@tutorline/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { caller } from '../identity';
import type { SchedulingService } from './scheduling.service';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };
const idParams = z.strictObject({ id: z.uuid('must be an id') });

export async function schedulingRoutes(fastify: FastifyInstance, opts: { scheduling: SchedulingService }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { scheduling } = opts;

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
      const { booking, created } = await scheduling.book(caller(request), request.body);
      return reply.status(created ? 201 : 200).send(booking);
    },
  });

  app.get('/api/bookings', {
    config: { access: ['student', 'tutor'] },
    schema: { tags: ['scheduling'], summary: 'Your bookings, as student or tutor, by start', response: { 200: z.object({ bookings: z.array(bookingSchema) }), ...errors } },
    handler: async (request) => ({ bookings: await scheduling.listMine(caller(request)) }),
  });

  app.post('/api/bookings/:id/cancel', {
    config: { access: ['student', 'tutor'] },
    schema: { tags: ['scheduling'], summary: 'Cancel a booking you are part of; close to the start it is a late cancellation', params: idParams, response: { 200: bookingSchema, ...errors } },
    handler: async (request) => scheduling.cancel(caller(request), request.params.id),
  });
}
