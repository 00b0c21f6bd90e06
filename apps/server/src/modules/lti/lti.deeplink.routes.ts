import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors';
import { setSessionCookie } from '../identity';
import { chooseAccountPage, confirmExistingPage, deepLinkReturnPage, framedPage, pickerPage } from './lti.deeplink.pages';
import { frameOriginsOf } from './lti.deeplink.rules';
import type { DeepLinks } from './lti.deeplink.service';
import type { LtiFraming } from './lti.framing';
import { page, refusalPage } from './lti.pages';
import type { LtiRepo } from './lti.repo';
import type { LtiLaunches } from './lti.service';

export interface DeepLinkRouteOptions {
  launches: LtiLaunches;
  deepLinks: DeepLinks;
  repo: LtiRepo;
  secureCookies: boolean;
  framing: LtiFraming;
  /** Who is logged in on this request (identity's session cookie), for the existing-account link. */
  whoIs: (request: FastifyRequest) => Promise<{ id: string; displayName: string } | null>;
}

/** The origins that may frame a page of this registration's launches ('none' for an unknown one). */
export async function frameOriginsFor(repo: LtiRepo, registrationId: string | null | undefined): Promise<string[]> {
  const registration = registrationId ? await repo.findRegistration(registrationId) : undefined;
  return registration ? frameOriginsOf(registration) : [];
}

/**
 * Sessions opened by an LTI launch: on https the cookie is SameSite=None; Secure; Partitioned (CHIPS), so it works in
 * the LMS's iframe, kept apart per top-level site; on plain http (the simulator on loopback, same site) it is Lax.
 */
export function setLtiSessionCookie(reply: FastifyReply, session: { token: string; expiresAt: Date }, secure: boolean) {
  setSessionCookie(reply, session.token, session.expiresAt, secure, secure);
}

const formOf = (request: FastifyRequest): Record<string, string | undefined> => {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries((request.method === 'POST' ? request.body : request.query) ?? {})) if (typeof v === 'string') out[k] = v;
  return out;
};

/** /lti/deeplink/respond (the pick), /lti/autosubmit.js, and the first-launch account choice under /lti/link. */
export async function deepLinkRoutes(fastify: FastifyInstance, opts: DeepLinkRouteOptions) {
  const { deepLinks, launches } = opts;
  await fastify.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))));
    const perIp = (name: string, max: number) =>
      scope.rateLimit({ max, timeWindow: 60_000, keyGenerator: (req) => `lti-${name}:${req.ip}`, errorResponseBuilder: () => new AppError(429, 'rate_limited', 'Too many requests from this network. Please wait a minute.') });
    // Pages inside the LMS frame post to ourselves (their own origin) — or, sandboxed, with Origin null.
    const framed = { config: { access: 'public' as const, allowCrossOrigin: true }, schema: { hide: true } };

    scope.get('/lti/autosubmit.js', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/javascript').header('cache-control', 'public, max-age=3600').send("document.querySelectorAll('form[data-autosubmit]').forEach(function (f) { f.submit(); });\n"),
    );

    scope.post('/lti/deeplink/respond', { ...framed, onRequest: perIp('deeplink', 120) }, async (request, reply) => {
      const form = formOf(request);
      const result = await deepLinks.respond(form.token, form);
      if (result.ok) {
        return framedPage(reply, frameOriginsOf(result.registration), [new URL(result.returnUrl).origin]).send(deepLinkReturnPage(result.returnUrl, result.jwt, result.item.title));
      }
      if (result.reason === 'deep_link_bad_choice') {
        return framedPage(reply.status(400), frameOriginsOf(result.picker.registration)).send(pickerPage(form.token ?? '', result.picker.courseTitle, result.problem, await deepLinks.options('')));
      }
      return framedPage(reply.status(400), result.registration ? frameOriginsOf(result.registration) : []).send(refusalPage(result.reason, request.id));
    });

    // The picker's search: the same page, its tutor, class and series lists narrowed (the token must still be usable).
    scope.post('/lti/deeplink/search', { ...framed, onRequest: perIp('deeplink', 120) }, async (request, reply) => {
      const form = formOf(request);
      const open = await deepLinks.picker(form.token);
      if (!open.ok) return framedPage(reply.status(400), open.registration ? frameOriginsOf(open.registration) : []).send(refusalPage(open.reason, request.id));
      return framedPage(reply, frameOriginsOf(open.registration)).send(pickerPage(form.token ?? '', open.courseTitle, null, await deepLinks.options(form.q ?? '')));
    });

    scope.post('/lti/link/new', { ...framed, onRequest: perIp('link', 120) }, async (request, reply) => {
      const result = await launches.continueAsNew(formOf(request).token, request.headers['user-agent']?.slice(0, 400) ?? null);
      if (!result.ok) {
        const words = result.reason === 'account_disabled' ? 'Your Tutorline account is disabled. Contact your school.' : 'This choice has expired or was already made. Please open Tutorline from your course again.';
        return framedPage(reply.status(400), []).send(page('Could not open Tutorline', `<h1>Could not open Tutorline from your course</h1><p data-reason="${result.reason}">${words}</p>`));
      }
      setLtiSessionCookie(reply, result.session, opts.secureCookies);
      opts.framing.mark(reply, result.registrationId, result.session.expiresAt);
      return reply.redirect(result.redirectPath, 302);
    });

    // The existing-account side opens top-level (its own window), so the ordinary first-party session applies.
    scope.get('/lti/link', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
      const token = formOf(request).token ?? '';
      const who = await opts.whoIs(request);
      return reply.type('text/html').header('cache-control', 'no-store').send(confirmExistingPage(token, who?.displayName ?? null));
    });

    scope.post('/lti/link/confirm', { config: { access: 'public' }, onRequest: perIp('link', 120), schema: { hide: true } }, async (request, reply) => {
      const who = await opts.whoIs(request);
      const token = formOf(request).token ?? '';
      if (!who) return reply.redirect(`/login?next=${encodeURIComponent(`/lti/link?token=${encodeURIComponent(token)}`)}`, 302);
      const result = await launches.confirmLink(token, who.id);
      if (!result.ok) {
        const words = result.reason === 'already_linked' ? 'This course identity is already linked to an account.' : 'This link has expired or was already used. Open Tutorline from your course again.';
        return reply.status(400).type('text/html').send(page('Could not link your account', `<h1>Could not link your account</h1><p data-reason="${result.reason}">${words}</p>`));
      }
      return reply.redirect(result.courseId ? `/courses/${result.courseId}` : '/', 302);
    });
  });
}

export { chooseAccountPage, framedPage, pickerPage, refusalPage };
