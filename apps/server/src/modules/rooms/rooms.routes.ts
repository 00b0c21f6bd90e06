import { adminSessionSchema, endSessionBodySchema, errorBodySchema, iceServersSchema, rateSessionBodySchema, sessionSchema, sessionTimelineSchema, uploadedChatPhotoSchema } from '@tutorline/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { caller, readsLearnerContent, staffActor } from '../identity';
import { PHOTO_UPLOAD_BODY_LIMIT, receivePhotoUpload, sendPhoto } from '../media';
import type { RoomsService } from './rooms.service';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 413: errorBodySchema };
const params = z.strictObject({ id: z.uuid('must be an id') });

/** The caller as the rooms service checks it: staff read a session only with a role that reads learners' sessions. */
const sessionCaller = (request: FastifyRequest) => {
  const auth = caller(request);
  return { id: auth.id, role: auth.role, readsSessions: readsLearnerContent(auth) };
};

export async function roomsRoutes(fastify: FastifyInstance, opts: { rooms: RoomsService }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get('/api/sessions/:id', {
    config: { access: 'user' },
    schema: { tags: ['sessions'], summary: 'A tutoring session: its participants and admins only', params, response: { 200: sessionSchema, ...errors } },
    handler: async (request) => opts.rooms.getSession(sessionCaller(request), request.params.id),
  });
  app.get('/api/sessions/:id/ice-servers', {
    config: { access: 'user' },
    schema: { tags: ['sessions'], summary: 'ICE servers for this session, with a TURN credential issued to you alone', params, response: { 200: iceServersSchema, ...errors } },
    handler: async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return opts.rooms.iceServers(sessionCaller(request), request.params.id);
    },
  });
  app.post('/api/sessions/:id/photos', {
    config: { access: ['student', 'tutor'] },
    bodyLimit: PHOTO_UPLOAD_BODY_LIMIT,
    schema: { tags: ['sessions'], summary: "Upload a photo for the session's chat (multipart field \"file\"); the same checks as question photos", params, consumes: ['multipart/form-data'], response: { 201: uploadedChatPhotoSchema, ...errors, 429: errorBodySchema } },
    handler: async (request, reply) => {
      const data = await receivePhotoUpload(request);
      return reply.status(201).send(await opts.rooms.uploadChatPhoto(sessionCaller(request), request.params.id, data));
    },
  });
  app.get('/api/sessions/:id/photos/:photoId', {
    config: { access: 'user' },
    schema: {
      tags: ['sessions'],
      summary: "A photo from the session's chat: its participants and admins",
      params: z.strictObject({ id: z.uuid('must be an id'), photoId: z.uuid('must be an id') }),
      querystring: z.strictObject({ size: z.enum(['full', 'thumb']).default('full') }),
    },
    handler: async (request, reply) => {
      const data = await opts.rooms.readChatPhoto(sessionCaller(request), request.params.id, request.params.photoId, request.query.size);
      return sendPhoto(reply, request.params.photoId, data);
    },
  });
  app.get('/api/sessions/:id/timeline', {
    config: { access: ['support', 'ops'] },
    schema: { tags: ['sessions'], summary: "A session's call timeline (joins, media, reconnects, quality samples, diagnostics) and time both were connected", params, response: { 200: sessionTimelineSchema, ...errors } },
    handler: async (request) => opts.rooms.timeline(request.params.id),
  });
  app.post('/api/sessions/:id/rating', {
    config: { access: ['student', 'tutor'] },
    schema: { tags: ['sessions'], summary: 'Rate the other participant of an ended session (the student rates the tutor, the tutor the student); once per side', params, body: rateSessionBodySchema, response: { 200: sessionSchema, ...errors } },
    handler: async (request) => opts.rooms.rateSession(sessionCaller(request), request.params.id, request.body),
  });
  app.get('/api/admin/sessions', {
    config: { access: ['ops', 'support'] },
    schema: { tags: ['sessions'], summary: 'Open sessions, oldest first, with the time of their last call event', response: { 200: z.object({ sessions: z.array(adminSessionSchema) }), ...errors } },
    handler: async () => ({ sessions: await opts.rooms.openSessions() }),
  });
  app.post('/api/admin/sessions/:id/end', {
    config: { access: ['ops'] },
    schema: { tags: ['sessions'], summary: 'End a stuck session, saying why (kept on its timeline and logged); 409 when it is not open', params, body: endSessionBodySchema, response: { 200: sessionSchema, ...errors } },
    handler: async (request) => opts.rooms.endByAdmin(staffActor(request), request.params.id, request.body.reason),
  });
  app.post('/api/sessions/:id/end', {
    config: { access: ['student', 'tutor'] },
    schema: { tags: ['sessions'], summary: 'End a session you are part of', params, response: { 200: sessionSchema, ...errors } },
    handler: async (request) => opts.rooms.endSession(sessionCaller(request), request.params.id),
  });
}
