import { errorBodySchema, lessonRoomSchema, lessonRoomViewSchema } from '@tutorline/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { caller } from '../identity';
import type { LessonsService } from './scheduling.lessons';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };
const idParams = z.strictObject({ id: z.uuid('must be an id') });

export async function lessonsRoutes(fastify: FastifyInstance, opts: { lessons: LessonsService }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { lessons } = opts;

  app.post('/api/bookings/:id/room', {
    config: { access: ['student', 'tutor'] },
    schema: {
      tags: ['scheduling'],
      summary: "Open your booked lesson's live room (from 10 minutes before the start): both parties get the same session. Too early: 409 too_early with details.opensAt",
      params: idParams,
      response: { 200: lessonRoomSchema, ...errors },
    },
    handler: async (request) => lessons.openRoom(caller(request), request.params.id),
  });

  app.get('/api/bookings/:id/room', {
    config: { access: ['student', 'tutor'] },
    schema: { tags: ['scheduling'], summary: "When your booked lesson's room opens and closes, and its session once opened", params: idParams, response: { 200: lessonRoomViewSchema, ...errors } },
    handler: async (request) => lessons.roomView(caller(request), request.params.id),
  });
}
