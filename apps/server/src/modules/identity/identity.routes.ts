import {
  adminUserListQuerySchema,
  adminUserSchema,
  changePasswordBodySchema,
  errorBodySchema,
  guardianConsentBodySchema,
  logInBodySchema,
  meSchema,
  setApprovalBodySchema,
  signUpBodySchema,
  staffGrantBodySchema,
  staffMemberSchema,
  subjectSchema,
  tutorProfileSchema,
  updateMeBodySchema,
  updateTutorProfileBodySchema,
} from '@tutorline/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { EventBus } from '../../platform/events';
import { STUDENT_SIGNED_UP } from './identity.events';
import { caller, clearSessionCookie, rateLimited, setSessionCookie, staffActor } from './identity.auth';
import { type IdentityService, toMe } from './identity.service';

export interface IdentityRouteOptions {
  identity: IdentityService;
  clock: Clock;
  secureCookies: boolean;
  /** The per-IP limit on log-in, sign-up, log-in links and password changes (in memory, per node). */
  login: { maxPerIp: number; windowMs: number };
  events: EventBus;
}

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema };
const idParams = z.strictObject({ id: z.uuid('must be an id') });

export async function identityRoutes(fastify: FastifyInstance, opts: IdentityRouteOptions) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { identity, clock, secureCookies, login } = opts;
  const limitResponse = (message: string) => () => rateLimited(message);
  const perIp = app.rateLimit({
    max: login.maxPerIp,
    timeWindow: login.windowMs,
    keyGenerator: (req) => `ip:${req.ip}`,
    errorResponseBuilder: limitResponse('Too many attempts from this network. Please wait a few minutes and try again.'),
  });

  // A log-in link from a WhatsApp message: opens a web session and goes to the page it was made for.
  app.get('/l/:token', {
    // The token logs its holder in: never in the request log.
    config: { access: 'public', secretParams: ['token'] },
    onRequest: perIp,
    schema: { hide: true, params: z.strictObject({ token: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'not a link token') }) },
    handler: async (request, reply) => {
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
      const used = await identity.useLoginLink(request.params.token, request.headers['user-agent'] ?? null);
      if (!used) return reply.redirect('/login?reason=link-expired', 303);
      setSessionCookie(reply, used.token, used.expiresAt, secureCookies);
      // Only our own paths: never an open redirect.
      const target = used.redirectPath.startsWith('/') && !used.redirectPath.startsWith('//') ? used.redirectPath : '/';
      return reply.redirect(target, 303);
    },
  });

  app.post('/api/auth/signup', {
    config: { access: 'public' },
    onRequest: perIp,
    schema: { tags: ['auth'], summary: 'Create a student or tutor account and log in', body: signUpBodySchema, response: { 201: z.object({ user: meSchema }), ...errors } },
    handler: async (request, reply) => {
      const { user, token, expiresAt } = await identity.signUp(request.body, request.headers['user-agent'] ?? null);
      setSessionCookie(reply, token, expiresAt, secureCookies);
      if (user.role === 'student' && user.guardianContact) await opts.events.emit(STUDENT_SIGNED_UP, { studentId: user.id, guardianContact: user.guardianContact });
      return reply.status(201).send({ user: toMe(user, clock.now()) });
    },
  });

  app.post('/api/auth/login', {
    config: { access: 'public' },
    // The per-account limits count failures in the database, inside logIn (decision 020).
    onRequest: perIp,
    schema: { tags: ['auth'], summary: 'Log in with email and password', body: logInBodySchema, response: { 200: z.object({ user: meSchema }), ...errors } },
    handler: async (request, reply) => {
      const { user, token, expiresAt } = await identity.logIn(request.body.email, request.body.password, request.headers['user-agent'] ?? null, request.ip);
      setSessionCookie(reply, token, expiresAt, secureCookies);
      return { user: toMe(user, clock.now()) };
    },
  });

  app.post('/api/auth/logout', {
    config: { access: 'user' },
    schema: { tags: ['auth'], summary: 'Log out: revoke this session and close its sockets', response: { 204: z.null(), ...errors } },
    handler: async (request, reply) => {
      await identity.logOut(caller(request));
      clearSessionCookie(reply, secureCookies);
      return reply.status(204).send(null);
    },
  });

  app.get('/api/me', {
    config: { access: 'user' },
    schema: { tags: ['me'], summary: 'The logged-in user', response: { 200: meSchema, ...errors } },
    handler: async (request) => identity.me(caller(request)),
  });

  app.patch('/api/me', {
    config: { access: 'user' },
    schema: { tags: ['me'], summary: 'Update your own name, phone, time zone or language', body: updateMeBodySchema, response: { 200: meSchema, ...errors } },
    handler: async (request) => identity.updateMe(caller(request), request.body),
  });

  app.post('/api/me/password', {
    config: { access: 'user' },
    onRequest: perIp,
    schema: { tags: ['me'], summary: 'Change password; every session is revoked', body: changePasswordBodySchema, response: { 204: z.null(), ...errors } },
    handler: async (request, reply) => {
      await identity.changePassword(caller(request), request.body.currentPassword, request.body.newPassword);
      clearSessionCookie(reply, secureCookies);
      return reply.status(204).send(null);
    },
  });

  app.get('/api/students/:id', {
    config: { access: ['student', 'support'] },
    schema: { tags: ['me'], summary: "A student's record: the student themself or an admin", params: idParams, response: { 200: meSchema, ...errors } },
    handler: async (request) => identity.getStudent(caller(request), request.params.id),
  });

  app.get('/api/subjects', {
    config: { access: 'public' },
    schema: { tags: ['catalogue'], summary: 'Subjects and their levels', response: { 200: z.object({ subjects: z.array(subjectSchema) }) } },
    handler: async () => ({ subjects: await identity.listSubjects() }),
  });

  app.get('/api/tutors/me/profile', {
    config: { access: ['tutor'] },
    schema: { tags: ['tutors'], summary: 'Your tutor profile', response: { 200: tutorProfileSchema, ...errors } },
    handler: async (request) => identity.getTutorProfile(caller(request).id),
  });

  app.put('/api/tutors/me/profile', {
    config: { access: ['tutor'] },
    schema: { tags: ['tutors'], summary: 'Update your tutor profile', body: updateTutorProfileBodySchema, response: { 200: tutorProfileSchema, ...errors } },
    handler: async (request) => identity.updateTutorProfile(caller(request), request.body),
  });

  app.get('/api/admin/users', {
    config: { access: ['support'] },
    schema: {
      tags: ['admin'],
      summary: 'List users',
      querystring: adminUserListQuerySchema,
      response: { 200: z.object({ users: z.array(adminUserSchema), total: z.number() }), ...errors },
    },
    handler: async (request) => identity.listUsers(request.query),
  });

  app.post('/api/admin/tutors/:id/approval', {
    config: { access: ['ops'] },
    schema: { tags: ['admin'], summary: "Approve or suspend a tutor", params: idParams, body: setApprovalBodySchema, response: { 200: tutorProfileSchema, ...errors } },
    handler: async (request) => identity.setTutorApproval(staffActor(request), request.params.id, request.body.status, request.body.reason ?? null),
  });

  app.get('/api/admin/staff', {
    config: { access: ['admin'] },
    schema: { tags: ['admin'], summary: 'Staff accounts and the staff roles each holds', response: { 200: z.object({ staff: z.array(staffMemberSchema) }), ...errors } },
    handler: async () => ({ staff: await identity.listStaff() }),
  });

  app.post('/api/admin/staff/:id/roles', {
    config: { access: ['admin'] },
    schema: { tags: ['admin'], summary: 'Grant a staff role (ops, support, finance, admin) with a reason; audited', params: idParams, body: staffGrantBodySchema, response: { 200: staffMemberSchema, ...errors } },
    handler: async (request) => identity.changeStaffRole(staffActor(request), request.params.id, request.body.role, true, request.body.reason),
  });

  app.post('/api/admin/staff/:id/roles/revoke', {
    config: { access: ['admin'] },
    schema: { tags: ['admin'], summary: 'Revoke a staff role with a reason; audited', params: idParams, body: staffGrantBodySchema, response: { 200: staffMemberSchema, ...errors } },
    handler: async (request) => identity.changeStaffRole(staffActor(request), request.params.id, request.body.role, false, request.body.reason),
  });

  app.post('/api/admin/students/:id/guardian-consent', {
    config: { access: ['support'] },
    schema: {
      tags: ['admin'],
      summary: "Record a guardian's consent for a student under 13: who gave it, how, and the evidence kept",
      params: idParams,
      body: guardianConsentBodySchema,
      response: { 200: meSchema, ...errors },
    },
    handler: async (request) => identity.recordGuardianConsent(caller(request), request.params.id, request.body),
  });
}
