import type { Access } from '@tutorline/contracts';
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
  const decide = (request: FastifyRequest, access: Access) => {
    const verdict = mayAccess(access, request.auth?.role ?? null);
    if (verdict === 'unauthenticated') throw unauthenticated();
    if (verdict === 'forbidden') throw forbidden();
  };
  // Callback style: a cache hit decides synchronously, and only a miss waits for the database.
  app.addHook('onRequest', (request, _reply, done) => {
    const access = request.routeOptions.config?.access;
    if (!access || access === 'public') return done();
    const token = request.cookies[SESSION_COOKIE];
    const hit = identity.cachedSession(token);
    if (hit) {
      request.auth = hit;
      try {
        decide(request, access);
      } catch (err) {
        return done(err as Error);
      }
      return done();
    }
    identity.resolveSession(token).then(
      (auth) => {
        request.auth = auth;
        decide(request, access);
        done();
      },
    ).catch((err: Error) => done(err));
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
