import { errorBodySchema, iceServersSchema, sessionSchema } from '@tutorline/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { caller } from '../identity';
import type { RoomsService } from './rooms.service';

const errors = { 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };
const params = z.strictObject({ id: z.uuid('must be an id') });

export async function roomsRoutes(fastify: FastifyInstance, opts: { rooms: RoomsService }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get('/api/sessions/:id', {
    config: { access: 'user' },
    schema: { tags: ['sessions'], summary: 'A tutoring session: its participants and admins only', params, response: { 200: sessionSchema, ...errors } },
    handler: async (request) => opts.rooms.getSession(caller(request), request.params.id),
  });
  app.get('/api/sessions/:id/ice-servers', {
    config: { access: 'user' },
    schema: { tags: ['sessions'], summary: 'ICE servers for this session, with a TURN credential issued to you alone', params, response: { 200: iceServersSchema, ...errors } },
    handler: async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return opts.rooms.iceServers(caller(request), request.params.id);
    },
  });
  app.post('/api/sessions/:id/end', {
    config: { access: ['student', 'tutor'] },
    schema: { tags: ['sessions'], summary: 'End a session you are part of', params, response: { 200: sessionSchema, ...errors } },
    handler: async (request) => opts.rooms.endSession(caller(request), request.params.id),
  });
}
