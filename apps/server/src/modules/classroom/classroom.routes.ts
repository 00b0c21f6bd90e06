import { classTimelineSchema, errorBodySchema, pollExportQuerySchema } from '@tutorline/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../platform/errors';
import { caller } from '../identity';
import type { ClassroomContext } from './classroom.context';
import type { PollsService } from './classroom.polls';
import { pollsCsv } from './classroom.rules';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };
const params = z.strictObject({ id: z.uuid('must be an id') });
const csvType = 'text/csv; charset=utf-8';

/** The classroom's HTTP side: the polls' export for the class's teacher, and the control-plane timeline for admins. */
export async function classroomRoutes(fastify: FastifyInstance, opts: { ctx: ClassroomContext; polls: PollsService }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { repo } = opts.ctx.deps;

  app.get('/api/classes/:id/room/polls', {
    config: { access: ['tutor', 'ops'] },
    schema: { tags: ['classroom'], summary: "A class's polls with their results (named polls with who chose what): its teacher and admins; ?format=csv", params, querystring: pollExportQuerySchema },
    handler: async (request, reply) => {
      const me = caller(request);
      const classId = request.params.id;
      // The teacher of record is who taught in the room; another tutor gets the same 404 as a class with no room.
      const row = me.role === 'admin' ? null : await repo.participant(classId, me.id);
      if (me.role !== 'admin' && row?.role !== 'teacher') throw notFound('That class');
      const polls = await opts.polls.exportPolls(classId);
      if (request.query.format === 'csv') return reply.type(csvType).header('content-disposition', `attachment; filename="polls-${classId}.csv"`).send(pollsCsv(polls));
      return { classId, polls };
    },
  });

  app.get('/api/classes/:id/room/timeline', {
    config: { access: ['ops', 'support'] },
    schema: { tags: ['classroom'], summary: "A class's room timeline: joins, leaves, lobby, moderation, hands, polls, end", params, response: { 200: classTimelineSchema, ...errors } },
    handler: async (request) => {
      const rows = await repo.timeline(request.params.id);
      return { classId: request.params.id, events: rows.map((e) => ({ id: e.id, at: e.at.toISOString(), userId: e.userId, type: e.type, data: e.data })) };
    },
  });
}
