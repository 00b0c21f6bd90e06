import {
  bookingReviewSchema,
  errorBodySchema,
  favouritesSchema,
  favouriteStateSchema,
  publicTutorSchema,
  reviewBookingBodySchema,
  tutorIdParamsSchema,
  tutorPhotoSchema,
  tutorReviewsPageSchema,
  tutorReviewsQuerySchema,
  tutorSearchQuerySchema,
  tutorSearchResultSchema,
} from '@tutorline/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type AuthUser, caller, SESSION_COOKIE } from '../identity';
import { PHOTO_UPLOAD_BODY_LIMIT, receivePhotoUpload, sendPhoto } from '../media';
import type { TutorsService } from './tutors.service';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 413: errorBodySchema, 415: errorBodySchema };

export interface TutorsRoutesOptions {
  tutors: TutorsService;
  /** The caller behind a session cookie, or null: public routes show a logged-in student their favourites. */
  resolveSession(token: string | undefined): Promise<AuthUser | null>;
}

export async function tutorsRoutes(fastify: FastifyInstance, opts: TutorsRoutesOptions) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { tutors } = opts;
  const maybeCaller = (request: FastifyRequest) => opts.resolveSession(request.cookies[SESSION_COOKIE]);

  app.get('/api/tutors', {
    config: { access: 'public' },
    schema: {
      tags: ['tutors'],
      summary:
        'Search approved tutors: subject, level, language, price (with currency), rating, free text; availability (availableWithinDays, timesOfDay in zone); sorted by relevance, rating or price; paged',
      querystring: tutorSearchQuerySchema,
      response: { 200: tutorSearchResultSchema, ...errors },
    },
    handler: async (request) => tutors.search(await maybeCaller(request), request.query),
  });

  app.get('/api/tutors/:id', {
    config: { access: 'public' },
    schema: { tags: ['tutors'], summary: "An approved tutor's public profile with the latest reviews", params: tutorIdParamsSchema, response: { 200: publicTutorSchema, ...errors } },
    handler: async (request) => tutors.profile(await maybeCaller(request), request.params.id),
  });

  app.get('/api/tutors/:id/reviews', {
    config: { access: 'public' },
    schema: { tags: ['tutors'], summary: "An approved tutor's reviews, newest first; pass nextCursor as cursor for the next page", params: tutorIdParamsSchema, querystring: tutorReviewsQuerySchema, response: { 200: tutorReviewsPageSchema, ...errors } },
    handler: async (request) => tutors.reviews(request.params.id, request.query.cursor, request.query.limit),
  });

  app.put('/api/tutors/me/photo', {
    config: { access: ['tutor'] },
    bodyLimit: PHOTO_UPLOAD_BODY_LIMIT,
    schema: { tags: ['tutors'], summary: 'Upload your profile photo (multipart field "file"); checked, re-encoded and stripped of metadata', consumes: ['multipart/form-data'], response: { 200: tutorPhotoSchema, ...errors, 429: errorBodySchema } },
    handler: async (request) => tutors.uploadPhoto(caller(request), await receivePhotoUpload(request)),
  });

  app.get('/api/tutors/:id/photo', {
    config: { access: 'public' },
    schema: { tags: ['tutors'], summary: "An approved tutor's profile photo", params: tutorIdParamsSchema, querystring: z.strictObject({ size: z.enum(['full', 'thumb']).default('full'), v: z.string().max(40).optional() }) },
    handler: async (request, reply) => {
      const data = await tutors.readPhoto(await maybeCaller(request), request.params.id, request.query.size);
      return sendPhoto(reply, request.params.id, data);
    },
  });

  app.put('/api/tutors/:id/favourite', {
    config: { access: ['student'] },
    schema: { tags: ['tutors'], summary: 'Add a tutor to your favourites', params: tutorIdParamsSchema, response: { 200: favouriteStateSchema, ...errors } },
    handler: async (request) => tutors.setFavourite(caller(request), request.params.id, true),
  });

  app.delete('/api/tutors/:id/favourite', {
    config: { access: ['student'] },
    schema: { tags: ['tutors'], summary: 'Remove a tutor from your favourites', params: tutorIdParamsSchema, response: { 200: favouriteStateSchema, ...errors } },
    handler: async (request) => tutors.setFavourite(caller(request), request.params.id, false),
  });

  app.get('/api/me/favourites', {
    config: { access: ['student'] },
    schema: { tags: ['tutors'], summary: 'Your favourite tutors (approved ones)', response: { 200: favouritesSchema, ...errors } },
    handler: async (request) => ({ tutors: await tutors.favourites(caller(request)) }),
  });

  app.post('/api/bookings/:id/review', {
    config: { access: ['student'] },
    schema: {
      tags: ['tutors'],
      summary: "Review a completed lesson you booked (1–5 stars, optional comment), once; 409 before it is completed or when already reviewed",
      params: tutorIdParamsSchema,
      body: reviewBookingBodySchema,
      response: { 201: bookingReviewSchema, ...errors },
    },
    handler: async (request, reply) => reply.status(201).send(await tutors.reviewBooking(caller(request), request.params.id, request.body)),
  });
}
