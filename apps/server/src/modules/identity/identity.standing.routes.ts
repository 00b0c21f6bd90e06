import { errorBodySchema, tutorProbationBodySchema, tutorStandingReasonBodySchema, tutorStandingSchema } from '@tutorline/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { staffActor } from './identity.auth';
import type { TutorStandingService } from './identity.standing';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };
const idParams = z.strictObject({ id: z.uuid('must be an id') });

/** Ops' controls over a tutor's standing (issue #18): suspend, reinstate, probation; each with a reason, audited. */
export async function tutorStandingRoutes(fastify: FastifyInstance, opts: { standing: TutorStandingService }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { standing } = opts;

  app.get('/api/admin/tutors/:id/standing', {
    config: { access: ['ops', 'finance'] },
    schema: { tags: ['admin'], summary: "A tutor's approval and probation", params: idParams, response: { 200: tutorStandingSchema, ...errors } },
    handler: async (request) => standing.tutorStanding(request.params.id),
  });

  app.post('/api/admin/tutors/:id/suspend', {
    config: { access: ['ops'] },
    schema: {
      tags: ['admin'],
      summary: 'Suspend a tutor with a reason: no more offers or claims, future lessons and classes cancelled and refunded; audited',
      params: idParams,
      body: tutorStandingReasonBodySchema,
      response: { 200: tutorStandingSchema, ...errors },
    },
    handler: async (request) => standing.suspendTutor(staffActor(request), request.params.id, request.body.reason),
  });

  app.post('/api/admin/tutors/:id/reinstate', {
    config: { access: ['ops'] },
    schema: { tags: ['admin'], summary: 'Reinstate a suspended tutor with a reason; audited', params: idParams, body: tutorStandingReasonBodySchema, response: { 200: tutorStandingSchema, ...errors } },
    handler: async (request) => standing.reinstateTutor(staffActor(request), request.params.id, request.body.reason),
  });

  app.post('/api/admin/tutors/:id/probation', {
    config: { access: ['ops'] },
    schema: {
      tags: ['admin'],
      summary: 'Put a tutor on probation (kept out of the first waves of instant help) or take them off it, with a reason; audited',
      params: idParams,
      body: tutorProbationBodySchema,
      response: { 200: tutorStandingSchema, ...errors },
    },
    handler: async (request) => standing.setTutorProbation(staffActor(request), request.params.id, request.body.onProbation, request.body.reason),
  });
}
