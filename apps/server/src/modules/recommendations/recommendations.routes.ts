import {
  errorBodySchema,
  profileViewSchema,
  recommendationHomeSchema,
  recommendationListSchema,
  recommendationModelStatusSchema,
  recommendationQuerySchema,
  recommendationSettingsSchema,
  similarTutorsSchema,
} from '@tutorline/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { caller } from '../identity';
import type { RecommendationsService } from './recommendations.service';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };

export async function recommendationsRoutes(fastify: FastifyInstance, opts: { recommendations: RecommendationsService }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { recommendations } = opts;

  app.get('/api/recommendations', {
    config: { access: ['student'] },
    schema: { tags: ['recommendations'], summary: 'Tutors for you in a subject and level, each with the reason it is suggested', querystring: recommendationQuerySchema, response: { 200: recommendationListSchema, ...errors } },
    handler: async (request) => recommendations.recommend(caller(request), request.query),
  });

  app.get('/api/recommendations/home', {
    config: { access: ['student'] },
    schema: { tags: ['recommendations'], summary: 'Tutors for you, for each subject you have worked on lately', response: { 200: recommendationHomeSchema, ...errors } },
    handler: async (request) => recommendations.home(caller(request)),
  });

  app.get('/api/recommendations/settings', {
    config: { access: ['student'] },
    schema: { tags: ['recommendations'], summary: 'Whether your suggestions are personalised, and your teaching language', response: { 200: recommendationSettingsSchema, ...errors } },
    handler: async (request) => recommendations.settings(caller(request)),
  });

  app.put('/api/recommendations/settings', {
    config: { access: ['student'] },
    schema: { tags: ['recommendations'], summary: 'Turn personalisation on or off; off gives the same popular-tutors ranking as a new student', body: recommendationSettingsSchema, response: { 200: recommendationSettingsSchema, ...errors } },
    handler: async (request) => recommendations.saveSettings(caller(request), request.body),
  });

  app.post('/api/recommendations/views', {
    config: { access: ['student'] },
    schema: { tags: ['recommendations'], summary: 'The student opened a tutor profile (a view followed by a booking is a signal)', body: profileViewSchema, response: { 204: z.null(), ...errors } },
    handler: async (request, reply) => {
      await recommendations.recordView(caller(request), request.body.tutorId);
      return reply.code(204).send(null);
    },
  });

  app.get('/api/tutors/:id/also-booked', {
    config: { access: 'public' },
    schema: { tags: ['recommendations'], summary: 'Students who worked with this tutor also booked…', params: z.strictObject({ id: z.uuid('must be a tutor id') }), response: { 200: similarTutorsSchema, ...errors } },
    handler: async (request) => recommendations.similar(request.params.id),
  });

  app.get('/api/admin/recommendations', {
    config: { access: ['admin'] },
    schema: { tags: ['admin', 'recommendations'], summary: 'The model in use (version, training time, metrics) or why serving is on cold start', response: { 200: recommendationModelStatusSchema, ...errors } },
    handler: async () => recommendations.status(),
  });

  app.post('/api/admin/recommendations/train', {
    config: { access: ['admin'] },
    schema: { tags: ['admin', 'recommendations'], summary: 'Train a new model now (a background job, in a worker thread)', response: { 202: recommendationModelStatusSchema, ...errors } },
    handler: async (request, reply) => reply.code(202).send(await recommendations.requestTraining(caller(request))),
  });
}
