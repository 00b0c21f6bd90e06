import { errorBodySchema, opsJobSchema, type OpsSchedule, opsScheduleQuerySchema, opsScheduleSchema, opsSummarySchema, tutorQualityQuerySchema, tutorQualitySchema } from '@tutorline/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { badRequest, conflict, notFound, type RefusalTable, valueOr } from '../../platform/errors';
import type { JobRow } from '../../platform/jobs.admin';
import { caller, staffActor } from '../identity';
import type { JobsAdmin, RetryFailure } from './ops.jobs-admin';
import type { TutorQualityReader } from './ops.quality';
import { DAY_MS, floorTo } from './ops.rules';
import type { Summary } from './ops.summary';

const retryErrors = {
  not_found: () => notFound('That job'),
  already_succeeded: () => conflict('That job already succeeded; running it again could do its work twice.', 'already_succeeded'),
  not_failed: () => conflict('That job has not failed: it is still queued or running.'),
  parked: () => conflict('That job was parked because its payload no longer matches its queue; retrying cannot help.'),
} satisfies RefusalTable<RetryFailure>;

const toJob = (j: JobRow) => ({ id: j.id, queue: j.queue, state: j.state, attempts: j.attempts, lastError: j.lastError, runAt: j.runAt.toISOString(), finishedAt: j.finishedAt?.toISOString() ?? null });

/** The ops dashboard's HTTP side: ops and admins see everything but money; finance and admins see money. */
export async function opsRoutes(fastify: FastifyInstance, opts: { summary: Summary; schedule: (day: Date) => Promise<OpsSchedule>; jobs: JobsAdmin; tutorQuality: TutorQualityReader }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get('/api/admin/tutors/:id/quality', {
    config: { access: ['ops', 'finance'] },
    schema: {
      tags: ['admin'],
      summary: "One tutor's quality over the last days: offers and accepts, ratings by week, complaints, no-shows, late cancellations, sessions and minutes; earnings (from the ledger) for finance and admin only",
      params: z.strictObject({ id: z.uuid('must be an id') }),
      querystring: tutorQualityQuerySchema,
      response: { 200: tutorQualitySchema, 400: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema },
    },
    handler: async (request) => {
      const held = caller(request).user.staffRoles;
      const quality = await opts.tutorQuality(request.params.id, request.query.days, held.includes('finance') || held.includes('admin'));
      if (!quality) throw notFound('That tutor');
      return quality;
    },
  });
  app.get('/api/ops/summary', {
    config: { access: ['ops', 'finance', 'admin'] },
    schema: { tags: ['ops'], summary: 'The live dashboard’s figures, from the rollups and live state (money for finance and admin only)', response: { 200: opsSummarySchema } },
    handler: async (request) => {
      const held = caller(request).user.staffRoles;
      return opts.summary({ money: held.includes('finance') || held.includes('admin') });
    },
  });
  app.get('/api/ops/schedule', {
    config: { access: ['ops', 'admin'] },
    schema: {
      tags: ['ops'],
      summary: 'One UTC day’s lessons and classes with their outcomes (the list behind the lessons-and-classes tile; today by default)',
      querystring: opsScheduleQuerySchema,
      response: { 200: opsScheduleSchema, 400: errorBodySchema },
    },
    handler: async (request) => {
      const day = request.query.day ? new Date(`${request.query.day}T00:00:00Z`) : floorTo(fastify.platform.clock.now(), DAY_MS);
      if (Number.isNaN(day.getTime())) throw badRequest('day: not a date');
      return opts.schedule(day);
    },
  });
  app.get('/api/ops/jobs', {
    config: { access: ['ops', 'admin'] },
    schema: { tags: ['ops'], summary: 'Failed jobs, newest first (the platform tile’s list)', response: { 200: z.object({ jobs: z.array(opsJobSchema) }) } },
    handler: async () => ({ jobs: (await opts.jobs.failed()).map(toJob) }),
  });
  app.post('/api/ops/jobs/:id/retry', {
    config: { access: ['admin'] },
    schema: { tags: ['ops'], summary: 'Queue a failed job once more (admins; refused for a job that succeeded); audited', params: z.object({ id: z.string().max(64) }), body: z.strictObject({ reason: z.string().trim().min(1).max(500).optional() }).optional(), response: { 200: z.object({ job: opsJobSchema }) } },
    handler: async (request) => ({ job: toJob(valueOr(await opts.jobs.retry(staffActor(request), request.params.id, request.body?.reason ?? null), retryErrors)) }),
  });
}
