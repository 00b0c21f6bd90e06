import { errorBodySchema, ltiStatementSchema } from '@tutorline/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, badRequest, type RefusalTable, valueOr } from '../../platform/errors';
import { caller } from '../identity';
import { statementCsv } from './lti.statement.rules';
import type { CourseStatements, StatementFailure } from './lti.statement.service';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };
const refusals: RefusalTable<StatementFailure> = {
  not_found: () => new AppError(404, 'not_found', 'That course was not found, or you do not teach it.'),
  invalid_month: () => badRequest('Please give the month as YYYY-MM, for example 2027-01.', [{ path: 'month', message: 'must be YYYY-MM' }]),
};

/** A course's monthly statement of school-paid lessons (decision 075), as JSON or (format=csv) as CSV. */
export async function ltiStatementRoutes(fastify: FastifyInstance, opts: { statements: CourseStatements }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get('/api/lti/courses/:id/statement', {
    config: { access: ['course_staff', 'admin'] },
    schema: {
      tags: ['lti'],
      summary: "The month's school-paid lessons of the course and what the school owes for them (format=csv: as CSV)",
      params: z.strictObject({ id: z.uuid('is not a course id') }),
      querystring: z.strictObject({ month: z.string().max(20).optional(), format: z.enum(['json', 'csv']).optional() }),
      response: { 200: ltiStatementSchema.or(z.string()), ...errors },
    },
    handler: async (request, reply) => {
      const me = caller(request);
      const s = valueOr(await opts.statements.statement(request.params.id, { id: me.id, role: me.role }, request.query.month), refusals);
      if (request.query.format !== 'csv') return s;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="course-statement-${s.month}.csv"`)
        .header('cache-control', 'no-store')
        .send(statementCsv(s));
    },
  });
}
