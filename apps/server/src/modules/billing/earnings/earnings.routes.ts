import { dateRangeQuerySchema, errorBodySchema, tutorBalanceSchema } from '@tutorline/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { caller } from '../../identity';
import type { TutorStatements } from './statement.service';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };
const csvType = 'text/csv; charset=utf-8';

/** A tutor's money: the balance per currency and the statement (JSON or CSV), both from their payable account. */
export async function earningsRoutes(fastify: FastifyInstance, opts: { statements: TutorStatements }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { statements } = opts;

  app.get('/api/billing/tutor/balance', {
    config: { access: ['tutor'] },
    schema: { tags: ['billing'], summary: 'My balance per currency: owed (and on hold), in transit, paid', response: { 200: tutorBalanceSchema, ...errors } },
    handler: async (request) => statements.tutorBalance(caller(request).id),
  });

  app.get('/api/billing/tutor/statement', {
    config: { access: ['tutor'] },
    schema: { tags: ['billing'], summary: 'My earnings, reversals and payouts between two dates (my time zone), with the running balance; ?format=csv', querystring: dateRangeQuerySchema },
    handler: async (request, reply) => {
      const me = caller(request);
      const statement = await statements.statement(me.id, me.user.timeZone, request.query);
      if (request.query.format === 'csv') {
        return reply.type(csvType).header('content-disposition', `attachment; filename="statement-${statement.from}-${statement.to}.csv"`).send(statements.statementCsv(statement));
      }
      return statement;
    },
  });
}
