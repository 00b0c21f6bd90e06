import { errorBodySchema, ltiCourseSchema, ltiRegistrationBodySchema, ltiRegistrationPatchSchema, ltiRegistrationSchema, ltiToolUrlsSchema } from '@tutorline/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../platform/errors';
import { caller } from '../identity';
import type { DynamicRegistration } from './lti.dynamic';
import { dynamicRefusalWords } from './lti.dynamic';
import type { ToolKeys } from './lti.keys';
import { chooseAccountPage, frameOriginsFor, framedPage, pickerPage, setLtiSessionCookie } from './lti.deeplink.routes';
import type { DeepLinks } from './lti.deeplink.service';
import type { LtiFraming } from './lti.framing';
import { escape, page, refusalPage } from './lti.pages';
import type { LtiRegistrations } from './lti.registrations';
import type { LtiRepo } from './lti.repo';
import { LOGIN_TTL_SECONDS } from './lti.rules';
import { type LoginParams, type LtiLaunches, stateCookieName } from './lti.service';

export interface LtiRouteOptions {
  launches: LtiLaunches;
  registrations: LtiRegistrations;
  dynamic: DynamicRegistration;
  keys: ToolKeys;
  repo: LtiRepo;
  toolOrigin: string;
  secureCookies: boolean;
  deepLinks: DeepLinks;
  framing: LtiFraming;
}

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };
const formOrQuery = (request: FastifyRequest): Record<string, string | undefined> => {
  const source = (request.method === 'POST' ? request.body : request.query) as Record<string, unknown> | undefined;
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(source ?? {})) if (typeof v === 'string') out[k] = v;
  return out;
};

/**
 * The LTI 1.3 tool endpoints an LMS admin types in (stable, documented in README): `/lti/login` (OIDC third-party
 * login initiation, GET and POST), `/lti/launch` (the form_post id_token), `/lti/jwks`, `/lti/register` (Dynamic
 * Registration), and the admin API under `/api/admin/lti/`.
 */
export async function ltiRoutes(fastify: FastifyInstance, opts: LtiRouteOptions) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { launches, registrations, keys, toolOrigin } = opts;
  // State cookies travel on the platform's cross-site form_post: SameSite=None needs https; plain http (the simulator
  // on loopback, same site as us) uses Lax.
  const stateCookie = opts.secureCookies ? ({ sameSite: 'none', secure: true } as const) : ({ sameSite: 'lax', secure: false } as const);

  await app.register(async (scope) => {
    // Platforms post forms; the launch's fields are read from them, nothing else posts here.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))));
    const perIp = (name: string, max: number) =>
      scope.rateLimit({ max, timeWindow: 60_000, keyGenerator: (req) => `lti-${name}:${req.ip}`, errorResponseBuilder: () => new AppError(429, 'rate_limited', 'Too many sign-ins from this network. Please wait a minute.') });

    const login = async (request: FastifyRequest, reply: FastifyReply) => {
      reply.header('cache-control', 'no-store');
      const result = await launches.initiateLogin(formOrQuery(request) as LoginParams);
      if (!result.ok) return reply.status(400).type('text/html').send(refusalPage(result.reason, request.id));
      reply.setCookie(stateCookieName(result.state), result.state, { path: '/lti/', httpOnly: true, maxAge: LOGIN_TTL_SECONDS, ...stateCookie });
      return reply.redirect(result.redirectUrl, 302);
    };
    const loginConfig = { access: 'public' as const, allowCrossOrigin: true };
    scope.get('/lti/login', { config: loginConfig, onRequest: perIp('login', 300), schema: { hide: true } }, login);
    scope.post('/lti/login', { config: loginConfig, onRequest: perIp('login', 300), schema: { hide: true } }, login);

    scope.post('/lti/launch', { config: { access: 'public', allowCrossOrigin: true }, onRequest: perIp('launch', 300), schema: { hide: true } }, async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const form = formOrQuery(request);
      const state = form.state;
      const result = await launches.launch({
        idToken: form.id_token,
        state,
        stateCookie: state ? request.cookies[stateCookieName(state)] : undefined,
        userAgent: request.headers['user-agent']?.slice(0, 400) ?? null,
      });
      if (state) reply.clearCookie(stateCookieName(state), { path: '/lti/', httpOnly: true, ...stateCookie });
      // Launch pages show inside the LMS: framed by the registration's platform origins only (lti.deeplink.routes.ts).
      const frameOrigins = await frameOriginsFor(opts.repo, result.registrationId);
      if (!result.ok) return framedPage(reply.status(400), frameOrigins).send(refusalPage(result.reason, request.id));
      if (result.kind === 'confirm_link') return framedPage(reply, frameOrigins).send(chooseAccountPage(result.linkToken, result.emailTaken));
      if (result.kind === 'deep_link') {
        const picker = await opts.deepLinks.picker(result.token);
        return framedPage(reply, frameOrigins).send(pickerPage(result.token, picker.ok ? picker.courseTitle : null, null, await opts.deepLinks.options('')));
      }
      setLtiSessionCookie(reply, result.session, opts.secureCookies);
      opts.framing.mark(reply, result.registrationId, result.session.expiresAt);
      return reply.redirect(result.redirectPath, 302);
    });

    scope.get('/lti/register', { config: { access: 'public' }, onRequest: perIp('register', 10), schema: { hide: true } }, async (request, reply) => {
      const q = formOrQuery(request);
      const result = await opts.dynamic.register({ openid_configuration: q.openid_configuration, registration_token: q.registration_token }).catch((err: unknown) => {
        if (err instanceof AppError) return { ok: false as const, reason: 'registration_refused' as const, detail: err.message };
        throw err;
      });
      if (!result.ok) {
        return reply.status(400).type('text/html').send(page('Registration failed', `<h1>Tutorline was not registered</h1><p data-reason="${result.reason}">${escape(dynamicRefusalWords[result.reason])}</p>`));
      }
      // The platform closes its registration window when the page posts org.imsglobal.lti.close (close.js, no inline script).
      return reply
        .type('text/html')
        .send(
          page(
            'Tutorline registered',
            `<h1>Tutorline is registered</h1><p data-registration="${escape(result.registrationId)}">${escape(result.name)} is waiting for a Tutorline administrator to confirm it. Launches work once it is confirmed.</p><script src="/lti/register/close.js"></script>`,
          ),
        );
    });
    scope.get('/lti/register/close.js', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) =>
      reply
        .type('text/javascript')
        .header('cache-control', 'public, max-age=3600')
        .send("(window.opener || window.parent).postMessage({ subject: 'org.imsglobal.lti.close' }, '*');\n"),
    );
  });

  app.get('/lti/jwks', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    // Short: a rotation's new key reaches platforms within minutes, and the next key is published a whole rotation ahead.
    reply.header('cache-control', 'public, max-age=300').header('access-control-allow-origin', '*').header('cross-origin-resource-policy', 'cross-origin');
    return keys.jwks();
  });

  app.get('/api/admin/lti/registrations', {
    config: { access: ['admin'] },
    schema: { tags: ['lti', 'admin'], summary: 'LTI platform registrations, with the URLs to type into each LMS', response: { 200: z.object({ registrations: z.array(ltiRegistrationSchema), tool: ltiToolUrlsSchema }), ...errors } },
    handler: async () => ({
      registrations: await registrations.list(),
      tool: { loginUrl: `${toolOrigin}/lti/login`, launchUrl: `${toolOrigin}/lti/launch`, jwksUrl: `${toolOrigin}/lti/jwks`, registerUrl: `${toolOrigin}/lti/register` },
    }),
  });

  app.post('/api/admin/lti/registrations', {
    config: { access: ['admin'] },
    schema: { tags: ['lti', 'admin'], summary: 'Register an LMS platform (LTI 1.3)', body: ltiRegistrationBodySchema, response: { 201: ltiRegistrationSchema, ...errors } },
    handler: async (request, reply) => reply.status(201).send(await registrations.create(request.body, 'active', caller(request).id)),
  });

  app.patch('/api/admin/lti/registrations/:id', {
    config: { access: ['admin'] },
    schema: {
      tags: ['lti', 'admin'],
      summary: 'Edit a registration, or confirm (status active) one made by dynamic registration',
      params: z.strictObject({ id: z.string().max(64) }),
      body: ltiRegistrationPatchSchema,
      response: { 200: ltiRegistrationSchema, ...errors },
    },
    handler: async (request) => registrations.update(request.params.id, request.body, caller(request).id),
  });

  app.post('/api/admin/lti/keys/rotate', {
    config: { access: ['admin'] },
    schema: { tags: ['lti', 'admin'], summary: 'Rotate the tool keys: next becomes current, current stays published for a day', response: { 200: z.object({ current: z.string(), next: z.string(), retired: z.string().nullable() }), ...errors } },
    handler: async (request) => {
      request.log.info({ event: 'lti_key_rotation_requested', adminId: caller(request).id }, 'LTI key rotation');
      return keys.rotate();
    },
  });

  app.get('/api/lti/courses', {
    config: { access: 'user' },
    schema: { tags: ['lti'], summary: 'The LMS courses the caller launched from', response: { 200: z.object({ courses: z.array(ltiCourseSchema) }), ...errors } },
    handler: async (request) => ({ courses: await opts.repo.coursesOf(caller(request).id) }),
  });

  app.get('/api/lti/courses/:id', {
    config: { access: 'user' },
    schema: { tags: ['lti'], summary: 'One LMS course of the caller', params: z.strictObject({ id: z.uuid('is not a course id') }), response: { 200: ltiCourseSchema, ...errors } },
    handler: async (request) => {
      const course = await opts.repo.courseOf(request.params.id, caller(request).id);
      if (!course) throw new AppError(404, 'not_found', 'That course was not found.');
      return { id: course.id, title: course.title, label: course.label, courseRole: course.courseRole };
    },
  });

  app.post('/api/lti/links', {
    config: { access: 'user' },
    schema: { tags: ['lti'], summary: 'Link the LTI identity of a pending launch to the logged-in account', body: z.strictObject({ token: z.string().min(1).max(200) }), response: { 200: z.object({ courseId: z.string().nullable() }), ...errors } },
    handler: async (request) => {
      const result = await launches.confirmLink(request.body.token, caller(request).id);
      if (!result.ok) {
        throw result.reason === 'already_linked'
          ? new AppError(409, 'conflict', 'This course identity is already linked to an account.')
          : new AppError(404, 'not_found', 'This link has expired or was already used. Open Tutorline from your course again.');
      }
      return { courseId: result.courseId };
    },
  });
}
