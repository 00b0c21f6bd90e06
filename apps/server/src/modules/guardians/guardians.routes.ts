import {
  errorBodySchema,
  guardianCardCheckStartedSchema,
  guardianCardConsentBodySchema,
  guardianChildSchema,
  guardianCodeConsentBodySchema,
  guardianControlsBodySchema,
  guardianControlsSchema,
  guardianInviteBodySchema,
  guardianInviteViewSchema,
  guardianOtpBodySchema,
  guardianSharingBodySchema,
  guardianSharingSchema,
  guardianSignUpBodySchema,
  meSchema,
} from '@tutorline/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../../platform/clock';
import { valueOr } from '../../platform/errors';
import { caller, type IdentityService, setSessionCookie } from '../identity';
import type { GuardianCardCheckService } from './guardians.card-check';
import type { GuardianConsent } from './guardians.consent';
import type { GuardianControls } from './guardians.controls';
import { cardCheckErrors, childErrors, consentErrors, inviteErrors, linkErrors, otpErrors, sharingErrors } from './guardians.http';
import type { GuardianSharingService } from './guardians.sharing';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 410: errorBodySchema, 429: errorBodySchema, 503: errorBodySchema };
const tokenParams = z.strictObject({ token: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'not a link token') });
const childParams = z.strictObject({ id: z.uuid('must be an id') });

export async function guardiansRoutes(fastify: FastifyInstance, opts: { consent: GuardianConsent; controls: GuardianControls; cardCheck: GuardianCardCheckService; sharing: GuardianSharingService; identity: IdentityService; clock: Clock; secureCookies: boolean; login: { maxPerIp: number; windowMs: number } }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { consent, controls, identity } = opts;
  const perIp = app.rateLimit({ max: opts.login.maxPerIp, timeWindow: opts.login.windowMs, keyGenerator: (req) => `guardian-ip:${req.ip}` });

  app.post('/api/guardians/invite', {
    config: { access: ['student'] },
    schema: { tags: ['guardians'], summary: 'A student names a guardian (WhatsApp number or email); a consent link is sent', body: guardianInviteBodySchema, response: { 200: z.object({ channel: z.enum(['whatsapp', 'email']), sent: z.boolean() }), ...errors } },
    handler: async (request) => valueOr(await consent.inviteGuardian(caller(request), request.body.contact), inviteErrors),
  });

  app.get('/api/guardian-invites/:token', {
    config: { access: 'public', secretParams: ['token'] },
    onRequest: perIp,
    schema: { tags: ['guardians'], summary: 'What a guardian link is for: the child, and the declaration to sign', params: tokenParams, response: { 200: guardianInviteViewSchema, ...errors } },
    handler: async (request) => valueOr(await consent.previewInvite(request.params.token), { invite_not_found: linkErrors.invite_not_found }),
  });

  app.post('/api/guardian-invites/:token/accept', {
    config: { access: ['guardian'], secretParams: ['token'] },
    schema: { tags: ['guardians'], summary: 'A logged-in guardian takes up a link and becomes the child’s guardian', params: tokenParams, response: { 200: z.object({ studentId: z.string() }), ...errors } },
    handler: async (request) => valueOr(await consent.acceptInvite(caller(request), request.params.token), linkErrors),
  });

  app.post('/api/guardian-invites/:token/signup', {
    config: { access: 'public', secretParams: ['token'] },
    onRequest: perIp,
    schema: { tags: ['guardians'], summary: 'Create a guardian account from a link, take the link up and log in', params: tokenParams, body: guardianSignUpBodySchema, response: { 201: z.object({ user: meSchema, studentId: z.string() }), ...errors } },
    handler: async (request, reply) => {
      // The link is checked before an account is made, so a dead link makes no account.
      const invite = valueOr(await consent.previewInvite(request.params.token), { invite_not_found: linkErrors.invite_not_found });
      if (invite.expired) throw linkErrors.invite_expired();
      const user = await identity.createGuardianAccount(request.body);
      const session = await identity.openSessionFor(user.id, request.headers['user-agent'] ?? null, 'guardian_signup');
      if (!session) throw new Error('a new guardian account could not log in');
      setSessionCookie(reply, session.token, session.expiresAt, opts.secureCookies);
      const linked = valueOr(await consent.acceptInvite({ id: user.id, role: user.role, user, authSessionId: session.authSessionId }, request.params.token), linkErrors);
      return reply.status(201).send({ user: identity.me({ id: user.id, role: user.role, user, authSessionId: session.authSessionId }), studentId: linked.studentId });
    },
  });

  app.get('/api/guardian/children', {
    config: { access: ['guardian'] },
    schema: { tags: ['guardians'], summary: 'The guardian’s children: consent, limits, spending and every session, lesson and class', response: { 200: z.object({ children: z.array(guardianChildSchema) }), ...errors } },
    handler: async (request) => ({ children: await controls.children(caller(request)) }),
  });

  app.post('/api/guardian/children/:id/code', {
    config: { access: ['guardian'] },
    onRequest: perIp,
    schema: { tags: ['guardians'], summary: 'Send a one-time consent code by WhatsApp to the guardian’s number', params: childParams, body: guardianOtpBodySchema, response: { 200: z.object({ expiresAt: z.string() }), ...errors } },
    handler: async (request) => valueOr(await consent.sendCode(caller(request), request.params.id, request.body.phone), otpErrors),
  });

  app.post('/api/guardian/children/:id/consent', {
    config: { access: ['guardian'] },
    schema: { tags: ['guardians'], summary: 'Consent with the one-time code and the signed declaration; the evidence is kept', params: childParams, body: guardianCodeConsentBodySchema, response: { 200: z.object({ consentId: z.string() }), ...errors } },
    handler: async (request) => valueOr(await consent.consentWithCode(caller(request), request.params.id, request.body, request.ip), consentErrors),
  });

  app.post('/api/guardian/children/:id/card-check', {
    config: { access: ['guardian'] },
    onRequest: perIp,
    schema: { tags: ['guardians'], summary: 'Consent by a small card charge, refunded at once: signs the declaration and opens the payment page', params: childParams, body: guardianCardConsentBodySchema, response: { 201: guardianCardCheckStartedSchema, ...errors } },
    handler: async (request, reply) => reply.status(201).send(valueOr(await opts.cardCheck.start(caller(request), request.params.id, request.body, request.ip), cardCheckErrors)),
  });

  app.post('/api/guardian/children/:id/revoke', {
    config: { access: ['guardian'] },
    schema: { tags: ['guardians'], summary: 'Withdraw consent: the child cannot ask, book or join calls from now on', params: childParams, response: { 204: z.null(), ...errors } },
    handler: async (request, reply) => {
      valueOr(await consent.revoke(caller(request), request.params.id), childErrors);
      return reply.status(204).send(null);
    },
  });

  app.post('/api/guardian/children/:id/sharing', {
    config: { access: ['guardian'] },
    schema: { tags: ['guardians'], summary: 'Give or withdraw consent to sharing the child’s data with third parties (the school’s LMS); the evidence is kept', params: childParams, body: guardianSharingBodySchema, response: { 200: guardianSharingSchema, ...errors } },
    handler: async (request) => valueOr(await opts.sharing.decide(caller(request), request.params.id, request.body, request.ip), sharingErrors),
  });

  app.put('/api/guardian/children/:id/controls', {
    config: { access: ['guardian'] },
    schema: { tags: ['guardians'], summary: 'Set the monthly spending limit, allowed hours, recording and the consent country', params: childParams, body: guardianControlsBodySchema, response: { 200: guardianControlsSchema, ...errors } },
    handler: async (request) => valueOr(await controls.setControls(caller(request), request.params.id, request.body), childErrors),
  });
}
