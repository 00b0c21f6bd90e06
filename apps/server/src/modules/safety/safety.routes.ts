import { blockSchema, closeReportSchema, createReportSchema, reportQueueQuerySchema, reportSchema, safetyFlagSchema, staffReportSchema } from '@tutorline/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, valueOr } from '../../platform/errors';
import { caller, staffActor } from '../identity';
import { blockErrors, closeErrors, reportErrors, staffReportErrors } from './safety.http';
import type { SafetyService } from './safety.service';

const idParams = z.strictObject({ id: z.uuid('must be an id') });
const tutorParams = z.strictObject({ tutorId: z.uuid('must be an id') });

/** Reports and blocks for users; the report queue and flag list for ops (#20). */
export async function safetyRoutes(fastify: FastifyInstance, opts: { safety: SafetyService }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { safety } = opts;
  const perUser = app.rateLimit({
    max: 10,
    timeWindow: 60_000,
    keyGenerator: (req) => `safety-report:${req.auth?.id ?? req.ip}`,
    errorResponseBuilder: () => new AppError(429, 'rate_limited', 'Please wait a minute before sending another report.'),
  });

  app.post('/api/safety/reports', {
    config: { access: 'user' },
    onRequest: perUser,
    schema: { tags: ['safety'], summary: 'Report the other person in a session (a category and what happened); optionally block them', body: createReportSchema, response: { 201: reportSchema } },
    handler: async (request, reply) => reply.code(201).send(valueOr(await safety.report(caller(request), request.body), reportErrors)),
  });
  app.get('/api/safety/blocks', {
    config: { access: 'user' },
    schema: { tags: ['safety'], summary: 'The tutors I blocked', response: { 200: z.object({ blocks: z.array(z.object({ tutorId: z.string(), displayName: z.string(), createdAt: z.string() })) }) } },
    handler: async (request) => ({ blocks: (await safety.blocks(caller(request).id)).map((b) => ({ tutorId: b.tutorId, displayName: b.displayName, createdAt: b.createdAt.toISOString() })) }),
  });
  app.post('/api/safety/blocks', {
    config: { access: 'user' },
    schema: { tags: ['safety'], summary: 'Block a tutor: no alerts for my questions, no bookings with them', body: blockSchema, response: { 200: z.object({ tutorId: z.string() }) } },
    handler: async (request) => valueOr(await safety.block(caller(request), request.body.tutorId), blockErrors),
  });
  app.delete('/api/safety/blocks/:tutorId', {
    config: { access: 'user' },
    schema: { tags: ['safety'], summary: 'Unblock a tutor', params: tutorParams, response: { 200: z.object({ tutorId: z.string() }) } },
    handler: async (request) => safety.unblock(caller(request), request.params.tutorId),
  });

  app.get('/api/admin/safety/reports', {
    config: { access: ['ops'] },
    schema: { tags: ['admin'], summary: 'Safety reports, severe first, oldest first', querystring: reportQueueQuerySchema, response: { 200: z.object({ reports: z.array(reportSchema) }) } },
    handler: async (request) => ({ reports: await safety.queue(request.query.status) }),
  });
  app.get('/api/admin/safety/reports/:id', {
    config: { access: ['ops'] },
    schema: { tags: ['admin'], summary: 'A report with its evidence: the chat, what was masked, the session link', params: idParams, response: { 200: staffReportSchema } },
    handler: async (request) => valueOr(await safety.staffReport(request.params.id), staffReportErrors),
  });
  app.post('/api/admin/safety/reports/:id/close', {
    config: { access: ['ops'] },
    schema: { tags: ['admin'], summary: 'Close a report with a resolution (releases its hold); audited', params: idParams, body: closeReportSchema, response: { 200: reportSchema } },
    handler: async (request) => valueOr(await safety.closeReport(staffActor(request), request.params.id, request.body.resolution), closeErrors),
  });
  app.get('/api/admin/safety/flags', {
    config: { access: ['ops'] },
    schema: { tags: ['admin'], summary: 'Safety flags for ops: repeated contact attempts, long calls with minors, severe reports', response: { 200: z.object({ flags: z.array(safetyFlagSchema) }) } },
    handler: async () => ({ flags: await safety.flags() }),
  });
}
