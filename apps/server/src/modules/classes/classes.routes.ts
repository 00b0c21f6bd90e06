import {
  attendanceSchema,
  classCreatedSchema,
  classCreateSchema,
  classListQuerySchema,
  classListSchema,
  classRosterSchema,
  classViewSchema,
  enrolBodySchema,
  enrolmentViewSchema,
  errorBodySchema,
} from '@tutorline/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound, valueOr } from '../../platform/errors';
import { type AuthUser, caller, SESSION_COOKIE } from '../identity';
import { cancelErrors, createClassErrors, enrolErrors, leaveErrors, tutorOnlyErrors } from './classes.http';
import type { createClassCalendar } from './classes.ics';
import type { ClassesService } from './classes.service';
import type { ClassLifecycle } from './classes.settle';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };
const idParams = z.strictObject({ id: z.uuid('must be an id') });
const zoneQuery = z.strictObject({ timeZone: z.string().max(64).optional() });

export interface ClassesRoutesOptions {
  classes: ClassesService;
  lifecycle: ClassLifecycle;
  calendar: ReturnType<typeof createClassCalendar>;
  resolveSession(token: string | undefined): Promise<AuthUser | null>;
}

export async function classesRoutes(fastify: FastifyInstance, opts: ClassesRoutesOptions) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { classes, lifecycle, calendar } = opts;
  const maybeCaller = (request: FastifyRequest) => opts.resolveSession(request.cookies[SESSION_COOKIE]);

  app.post('/api/classes', {
    config: { access: ['tutor'] },
    schema: { tags: ['classes'], summary: "Create a class (or a weekly series: weeks > 1) at a date and time in the tutor's own zone", body: classCreateSchema, response: { 201: classCreatedSchema, ...errors } },
    handler: async (request, reply) => reply.code(201).send({ classes: valueOr(await classes.create(caller(request), request.body), createClassErrors) }),
  });

  app.get('/api/classes', {
    config: { access: 'public' },
    schema: { tags: ['classes'], summary: "Upcoming classes with filters; times also on the viewer's clock (their zone, or timeZone)", querystring: classListQuerySchema, response: { 200: classListSchema, ...errors } },
    handler: async (request) => ({ classes: await classes.list(await maybeCaller(request), request.query) }),
  });

  app.get('/api/classes/mine', {
    config: { access: 'user' },
    schema: { tags: ['classes'], summary: 'The classes you teach (tutors) or hold a seat in (learners), from now on', response: { 200: classListSchema, ...errors } },
    handler: async (request) => ({ classes: await classes.mine(caller(request)) }),
  });

  app.get('/api/tutors/:id/classes', {
    config: { access: 'public' },
    schema: { tags: ['classes'], summary: "A tutor's upcoming classes, for their public profile", params: idParams, querystring: zoneQuery, response: { 200: classListSchema, ...errors } },
    handler: async (request) => ({ classes: await classes.list(await maybeCaller(request), { tutorId: request.params.id, timeZone: request.query.timeZone, limit: 20 }) }),
  });

  app.get('/api/classes/:id', {
    config: { access: 'public' },
    schema: { tags: ['classes'], summary: 'One class', params: idParams, querystring: zoneQuery, response: { 200: classViewSchema, ...errors } },
    handler: async (request) => {
      const view = await classes.detail(await maybeCaller(request), request.params.id, request.query.timeZone);
      if (!view) throw notFound('That class');
      return view;
    },
  });

  app.post('/api/classes/:id/enrol', {
    config: { access: ['student'] },
    schema: {
      tags: ['classes'],
      summary: 'Take a seat (free classes at once); a full class is 409 class_full; enrolling again returns the same seat; from a course link, `course` tags it (403 not_in_course when the learner is not in it)',
      params: idParams,
      // No body at all (Fastify gives null) is an enrolment outside any course.
      body: enrolBodySchema.nullish(),
      response: { 200: enrolmentViewSchema, ...errors },
    },
    handler: async (request) => valueOr(await classes.enrol(caller(request), request.params.id, request.body?.course), enrolErrors),
  });

  app.post('/api/classes/:id/leave', {
    config: { access: ['student'] },
    schema: { tags: ['classes'], summary: 'Give your seat back before the start (refunded in full until 24 hours before)', params: idParams, response: { 200: enrolmentViewSchema, ...errors } },
    handler: async (request) => valueOr(await classes.leave(caller(request), request.params.id), leaveErrors),
  });

  app.post('/api/classes/:id/cancel', {
    config: { access: ['tutor', 'ops'] },
    schema: { tags: ['classes'], summary: 'Cancel your class: every learner is told and refunded what they paid', params: idParams, response: { 200: classViewSchema, ...errors } },
    handler: async (request) => valueOr(await classes.cancel(caller(request), request.params.id), cancelErrors),
  });

  app.get('/api/classes/:id/enrolments', {
    config: { access: ['tutor', 'ops'] },
    schema: { tags: ['classes'], summary: "Your class's learners", params: idParams, response: { 200: classRosterSchema, ...errors } },
    handler: async (request) => ({ learners: valueOr(await classes.roster(caller(request), request.params.id), tutorOnlyErrors) }),
  });

  app.get('/api/classes/:id/attendance', {
    config: { access: ['tutor', 'ops'] },
    schema: {
      tags: ['classes'],
      summary: 'Join and leave times per learner, once the class has started; ?format=csv for a spreadsheet',
      params: idParams,
      querystring: z.strictObject({ format: z.enum(['json', 'csv']).default('json') }),
      response: { 200: attendanceSchema.or(z.string()), ...errors },
    },
    handler: async (request, reply) => {
      const a = valueOr(await lifecycle.attendance(caller(request), request.params.id), tutorOnlyErrors);
      if (request.query.format === 'csv') return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="attendance.csv"').send(lifecycle.attendanceCsv(a));
      return a;
    },
  });

  app.get('/api/classes/:id/invite.ics', {
    config: { access: 'user' },
    schema: { tags: ['classes'], summary: "A class's calendar invitation, for its tutor and learners", params: idParams },
    handler: async (request, reply) =>
      reply.type('text/calendar; charset=utf-8').header('content-disposition', 'attachment; filename="class.ics"').send(await calendar.invite(caller(request), request.params.id)),
  });
}
