import { errorBodySchema, ltiAllowanceBodySchema, ltiAllowanceSchema } from '@tutorline/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, badRequest, type RefusalTable, valueOr } from '../../platform/errors';
import { caller } from '../identity';
import type { AllowanceFailure, CourseAllowances } from './lti.allowance.service';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };
const params = z.strictObject({ id: z.uuid('is not a course id') });

const refusals: RefusalTable<AllowanceFailure> = {
  not_found: () => new AppError(404, 'not_found', 'That course was not found, or you do not teach it.'),
  invalid: ({ detail }) => badRequest(`Please fix the allowance: ${detail.message}`, [{ path: detail.message.split(':')[0]!, message: detail.message }]),
};

/** A course's school-paid tutoring (decision 068): course staff of the course, and admins, see and set it. */
export async function ltiAllowanceRoutes(fastify: FastifyInstance, opts: { allowances: CourseAllowances }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const staff = ['course_staff', 'admin'] as const;

  app.get('/api/lti/courses/:id/allowance', {
    config: { access: [...staff] },
    schema: { tags: ['lti'], summary: "The course's school-paid allowance per learner per month, and what its learners used this month", params, response: { 200: ltiAllowanceSchema, ...errors } },
    handler: async (request) => {
      const me = caller(request);
      return valueOr(await opts.allowances.view(request.params.id, { id: me.id, role: me.role }), refusals);
    },
  });

  app.put('/api/lti/courses/:id/allowance', {
    config: { access: [...staff] },
    schema: { tags: ['lti'], summary: 'Set how many lessons, or lesson-minutes, each learner of the course may book per month paid by the school (0: none)', params, body: ltiAllowanceBodySchema, response: { 200: ltiAllowanceSchema, ...errors } },
    handler: async (request) => {
      const me = caller(request);
      return valueOr(await opts.allowances.set(request.params.id, { id: me.id, role: me.role }, request.body), refusals);
    },
  });
}
