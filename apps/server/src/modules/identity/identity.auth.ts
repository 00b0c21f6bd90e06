import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, forbidden, unauthenticated } from '../../platform/errors';
import { mayAccess } from './identity.rules';
import type { AuthUser, IdentityService } from './identity.service';

export const SESSION_COOKIE = 'tl_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** The logged-in caller, set for every route whose access is not 'public'. */
    auth: AuthUser | null;
  }
}

/** The caller of a route that declared a non-public access; never null there. */
export function caller(request: FastifyRequest): AuthUser {
  if (!request.auth) throw unauthenticated();
  return request.auth;
}

export function setSessionCookie(reply: FastifyReply, token: string, expiresAt: Date, secure: boolean) {
  reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure, expires: expiresAt });
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean) {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure });
}

/** Resolves the session cookie and enforces each route's declared access before its body is even parsed. */
export function installAuth(app: FastifyInstance, identity: IdentityService) {
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config?.access;
    if (!access || access === 'public') return;
    request.auth = await identity.resolveSession(request.cookies[SESSION_COOKIE]);
    const verdict = mayAccess(access, request.auth?.role ?? null);
    if (verdict === 'unauthenticated') throw unauthenticated();
    if (verdict === 'forbidden') throw forbidden();
  });
}

/** Cookie header → socket identity, for Socket.IO's handshake. */
export function socketAuthenticator(app: FastifyInstance, identity: IdentityService) {
  return async (cookieHeader: string | undefined) => {
    if (!cookieHeader) return null;
    const token = app.parseCookie(cookieHeader)[SESSION_COOKIE];
    const auth = await identity.resolveSession(token);
    return auth ? { userId: auth.id, role: auth.role, authSessionId: auth.authSessionId } : null;
  };
}

export const rateLimited = (message: string) => new AppError(429, 'rate_limited', message);
