import { errorBodySchema, ltiUsageReportSchema } from '@tutorline/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../platform/errors';
import { caller } from '../identity';
import type { Clock } from '../../platform/clock';
import type { KeyBox } from './lti.keys';
import type { LtiRepo } from './lti.repo';
import { withLrs } from './lti.xapi.rules';
import type { UsageReports } from './lti.usage.service';
import type { XapiExports } from './lti.xapi.service';

const errors = { 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };
const params = z.strictObject({ id: z.uuid('is not a course id') });
const notFound = () => new AppError(404, 'not_found', 'That course was not found, or you do not teach it.');

/** The course usage report, its CSV, and the xAPI export on demand: course staff of the course, and admins. */
export async function ltiUsageRoutes(fastify: FastifyInstance, opts: { usage: UsageReports; xapi: XapiExports; repo: LtiRepo; clock: Clock; lrsBox: KeyBox }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const staff = ['course_staff', 'admin'] as const;

  app.get('/api/lti/courses/:id/usage', {
    config: { access: [...staff] },
    schema: { tags: ['lti'], summary: "The course's learners and their sessions, lessons, classes, minutes and last activity (refreshes a stale roster first)", params, response: { 200: ltiUsageReportSchema, ...errors } },
    handler: async (request) => {
      const me = caller(request);
      const r = await opts.usage.report(request.params.id, { id: me.id, role: me.role });
      if (!r.ok) throw notFound();
      const v = r.value;
      return {
        course: v.course,
        roster: { syncedAt: v.roster.syncedAt?.toISOString() ?? null, problem: v.roster.problem },
        learners: v.learners.map((l) => ({ ...l, lastActivityAt: l.lastActivityAt?.toISOString() ?? null })),
        allowance: v.allowance,
      };
    },
  });

  app.get('/api/lti/courses/:id/activities.csv', {
    config: { access: [...staff] },
    schema: { tags: ['lti'], summary: "Every session, lesson and class of the course's learners as CSV (the xAPI export's rows)", params },
    handler: async (request, reply) => {
      const me = caller(request);
      const r = await opts.usage.csv(request.params.id, { id: me.id, role: me.role });
      if (!r.ok) throw notFound();
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="course-activities.csv"').header('cache-control', 'no-store').send(r.value.csv);
    },
  });

  app.post('/api/lti/courses/:id/xapi-export', {
    config: { access: [...staff] },
    schema: { tags: ['lti'], summary: "Queue xAPI statements for the course's activities not sent yet, to the registration's LRS", params, response: { 202: z.object({ queued: z.number().int() }), ...errors, 409: errorBodySchema } },
    handler: async (request, reply) => {
      const me = caller(request);
      const allowed = await opts.usage.report(request.params.id, { id: me.id, role: me.role });
      if (!allowed.ok) throw notFound();
      const r = await opts.xapi.exportCourse(request.params.id);
      if ('reason' in r && r.reason === 'no_lrs') throw new AppError(409, 'conflict', "This course's LMS registration has no Learning Record Store set up. An administrator adds it in the registration's settings.");
      if ('reason' in r) throw notFound();
      return reply.status(202).send({ queued: r.queued });
    },
  });

  app.put('/api/admin/lti/registrations/:id/lrs', {
    config: { access: ['admin'] },
    schema: {
      tags: ['lti', 'admin'],
      summary: "Set (or clear, with null) the Learning Record Store this registration's xAPI statements go to",
      params: z.strictObject({ id: z.uuid('is not a registration id') }),
      body: z.strictObject({ lrs: z.strictObject({ endpoint: z.url({ protocol: /^https?$/ }).max(500), key: z.string().min(1).max(200), secret: z.string().min(1).max(500) }).nullable() }),
      response: { 200: z.object({ lrs: z.object({ endpoint: z.string() }).nullable() }), ...errors },
    },
    handler: async (request) => {
      const reg = await opts.repo.findRegistration(request.params.id);
      if (!reg) throw new AppError(404, 'not_found', 'That registration was not found.');
      // The secret is stored sealed (decision 065), never in the clear; only the endpoint is ever answered.
      const settings = withLrs(reg.settings, request.body.lrs, (plain) => opts.lrsBox.seal(plain));
      await opts.repo.updateRegistration(reg.id, { settings }, undefined, opts.clock.now());
      request.log.info({ event: 'lti_lrs_set', registrationId: reg.id, adminId: caller(request).id, endpoint: request.body.lrs?.endpoint ?? null }, 'LTI registration LRS set');
      return { lrs: request.body.lrs ? { endpoint: request.body.lrs.endpoint } : null };
    },
  });
}
