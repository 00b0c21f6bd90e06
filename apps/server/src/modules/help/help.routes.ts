import {
  answerableSubjectsSchema,
  askQuestionBodySchema,
  availabilityBodySchema,
  availabilitySchema,
  claimResultSchema,
  errorBodySchema,
  feedItemSchema,
  questionSchema,
  rateQuestionBodySchema,
  tutorTodaySchema,
  uploadedPhotoSchema,
} from '@tutorline/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { valueOr } from '../../platform/errors';
import { caller } from '../identity';
import { PHOTO_UPLOAD_BODY_LIMIT, receivePhotoUpload, sendPhoto } from '../media';
import { askErrors, cancelErrors, claimErrors, rateErrors, uploadErrors } from './help.http';
import type { HelpService } from './help.service';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 413: errorBodySchema };
const idParams = z.strictObject({ id: z.uuid('must be an id') });

export async function helpRoutes(fastify: FastifyInstance, opts: { help: HelpService }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { help } = opts;

  app.post('/api/help/photos', {
    config: { access: ['student'] },
    bodyLimit: PHOTO_UPLOAD_BODY_LIMIT,
    schema: { tags: ['help'], summary: 'Upload one photo of a question (multipart field "file"); checked, re-encoded and stripped of metadata. Counts against your upload rate and daily quota (429 with Retry-After)', consumes: ['multipart/form-data'], response: { 201: uploadedPhotoSchema, ...errors, 429: errorBodySchema } },
    handler: async (request, reply) => {
      const data = await receivePhotoUpload(request);
      return reply.status(201).send(valueOr(await help.uploadPhoto(caller(request), data), uploadErrors));
    },
  });

  app.get('/api/help/photos/:id', {
    config: { access: 'user' },
    schema: { tags: ['help'], summary: "A question's photo: its student, the tutors it was sent to, and admins", params: idParams, querystring: z.strictObject({ size: z.enum(['full', 'thumb']).default('full') }) },
    handler: async (request, reply) => {
      const data = await help.readPhoto(caller(request), request.params.id, request.query.size);
      return sendPhoto(reply, request.params.id, data);
    },
  });

  app.get('/api/help/photos/:id/shared', {
    config: { access: 'public' },
    schema: {
      tags: ['help'],
      summary: "A question's photo through a signed, expiring URL (sent to a tutor on WhatsApp, fetched by the provider)",
      params: idParams,
      querystring: z.strictObject({ exp: z.coerce.number().int(), sig: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/) }),
    },
    handler: async (request, reply) => {
      const data = await help.readSharedPhoto(request.params.id, request.query.exp, request.query.sig);
      return sendPhoto(reply, request.params.id, data, 600);
    },
  });

  app.get('/api/help/subjects', {
    config: { access: 'user' },
    schema: { tags: ['help'], summary: 'What can be asked now: subjects and levels at least one approved tutor teaches, and those nobody teaches yet', response: { 200: answerableSubjectsSchema, ...errors } },
    handler: async () => help.answerableSubjects(),
  });

  app.post('/api/help/questions', {
    config: { access: ['student'] },
    schema: { tags: ['help'], summary: 'Ask a question; a retry with the same requestId returns the same question', body: askQuestionBodySchema, response: { 200: questionSchema, 201: questionSchema, ...errors } },
    handler: async (request, reply) => {
      const { question, created } = valueOr(await help.askQuestion(caller(request), request.body), askErrors);
      return reply.status(created ? 201 : 200).send(question);
    },
  });

  app.get('/api/help/questions', {
    config: { access: ['student'] },
    schema: { tags: ['help'], summary: 'Your questions, newest first', response: { 200: z.object({ questions: z.array(questionSchema) }), ...errors } },
    handler: async (request) => ({ questions: await help.listMine(caller(request)) }),
  });

  app.get('/api/help/questions/:id', {
    config: { access: 'user' },
    schema: { tags: ['help'], summary: 'One question (with its timeline for the student and admins)', params: idParams, response: { 200: questionSchema, ...errors } },
    handler: async (request) => help.getQuestion(caller(request), request.params.id),
  });

  app.post('/api/help/questions/:id/cancel', {
    config: { access: ['student'] },
    schema: { tags: ['help'], summary: 'Cancel your open question', params: idParams, response: { 200: questionSchema, ...errors } },
    handler: async (request) => valueOr(await help.cancelQuestion(caller(request), request.params.id), cancelErrors),
  });

  app.post('/api/help/questions/:id/accept', {
    config: { access: ['tutor'] },
    schema: { tags: ['help'], summary: 'Accept a question: the first accept wins, every other gets 409', params: idParams, response: { 200: claimResultSchema, ...errors } },
    handler: async (request) => valueOr(await help.claimQuestion(caller(request), request.params.id), claimErrors),
  });

  app.post('/api/help/questions/:id/skip', {
    config: { access: ['tutor'] },
    schema: { tags: ['help'], summary: 'Hide a question from your feed', params: idParams, response: { 204: z.null(), ...errors } },
    handler: async (request, reply) => {
      await help.skipQuestion(caller(request), request.params.id);
      return reply.status(204).send(null);
    },
  });

  app.post('/api/help/questions/:id/answered', {
    config: { access: ['tutor'] },
    schema: { tags: ['help'], summary: 'Mark the question you claimed as answered', params: idParams, response: { 200: questionSchema, ...errors } },
    handler: async (request) => help.markAnswered(caller(request), request.params.id),
  });

  app.post('/api/help/questions/:id/rating', {
    config: { access: ['student'] },
    schema: { tags: ['help'], summary: 'Rate an answered question, optionally marking the tutor favourite', params: idParams, body: rateQuestionBodySchema, response: { 200: questionSchema, ...errors } },
    handler: async (request) => valueOr(await help.rateQuestion(caller(request), request.params.id, request.body), rateErrors),
  });

  app.get('/api/help/feed', {
    config: { access: ['tutor'] },
    schema: { tags: ['help'], summary: 'Open questions you were notified of', response: { 200: z.object({ items: z.array(feedItemSchema) }), ...errors } },
    handler: async (request) => ({ items: await help.feed(caller(request)) }),
  });

  app.get('/api/help/availability', {
    config: { access: ['tutor'] },
    schema: { tags: ['help'], summary: 'Your instant-help switch', response: { 200: availabilitySchema, ...errors } },
    handler: async (request) => help.getAvailability(caller(request)),
  });

  app.put('/api/help/availability', {
    config: { access: ['tutor'] },
    schema: { tags: ['help'], summary: 'Go online or offline for instant help', body: availabilityBodySchema, response: { 200: availabilitySchema, ...errors } },
    handler: async (request) => help.setAvailability(caller(request), request.body.online, request.body.notifyWhenOffline),
  });

  app.get('/api/help/tutor/today', {
    config: { access: ['tutor'] },
    schema: { tags: ['help'], summary: "Today's answered questions and earnings, in your time zone", response: { 200: tutorTodaySchema, ...errors } },
    handler: async (request) => help.today(caller(request)),
  });
}
