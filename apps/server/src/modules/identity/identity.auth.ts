import { type Access, type Role, type StaffRole, staffRoles as allStaffRoles } from '@tutorline/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, forbidden, unauthenticated } from '../../platform/errors';
import type { SocketAuthorizer } from '../../platform/socket-access';
import { actingRole, mayAccess, staffRolesOf } from './identity.rules';
import type { AuthUser, IdentityService } from './identity.service';

export const SESSION_COOKIE = 'tl_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** The logged-in caller, set for every route whose access is not 'public'. */
    auth: AuthUser | null;
    /** On a staff route, the staff role the caller acts under (written to the audit log); null elsewhere. */
    staffRole: StaffRole | null;
  }
  interface FastifyInstance {
    /** Every staff route (one whose access names a staff role), as registered: the role matrix walks these. */
    staffRoutes: StaffRoute[];
  }
}

export interface StaffRoute {
  method: string;
  url: string;
  staff: StaffRole[];
}

/** Paths that are staff routes whatever their handler: each must declare which staff roles it allows. */
const staffPrefix = '/api/admin';

/** Throws at start-up when a route under /api/admin does not name the staff roles it allows. */
export function checkStaffDeclaration(method: string | string[], url: string, access: Access | undefined): StaffRole[] {
  const staff = staffRolesOf(access);
  if ((url === staffPrefix || url.startsWith(`${staffPrefix}/`)) && !staff.length) {
    throw new Error(`Route ${String(method)} ${url} is a staff route but its config.access names no staff role (ops, support, finance or admin)`);
  }
  return staff;
}

/** The staff actor of a request on a staff route, for the audit log. */
export function staffActor(request: FastifyRequest): { id: string; role: StaffRole } {
  const auth = caller(request);
  if (!request.staffRole) throw new AppError(403, 'forbidden', 'This needs a staff role.');
  return { id: auth.id, role: request.staffRole };
}

/**
 * Staff who may read learners' sessions, questions and their photos as staff (#18's least privilege): ops (sessions and
 * questions), support (a session's page) and admin. Finance handles money and sees none of it: a finance account is
 * answered like any stranger to the object.
 */
export const LEARNER_CONTENT_READERS: readonly StaffRole[] = ['admin', 'ops', 'support'];

/** Whether this caller reads any learner's sessions and questions as staff (LEARNER_CONTENT_READERS). */
export function readsLearnerContent(auth: { role: string; user: { staffRoles: readonly string[] } }): boolean {
  return auth.role === 'admin' && auth.user.staffRoles.some((r) => (LEARNER_CONTENT_READERS as readonly string[]).includes(r));
}

/**
 * The caller as a viewer of learners' recordings: a staff account keeps the 'admin' role (which sees every room's) only
 * with a role in LEARNER_CONTENT_READERS; finance is 'staff' there, a stranger to the recording.
 */
export function contentViewer(auth: { id: string; role: string; user: { staffRoles: readonly string[] } }): { id: string; role: string } {
  return { id: auth.id, role: auth.role === 'admin' && !readsLearnerContent(auth) ? 'staff' : auth.role };
}

/** The caller of a route that declared a non-public access; never null there. */
export function caller(request: FastifyRequest): AuthUser {
  if (!request.auth) throw unauthenticated();
  return request.auth;
}

/** `crossSite` (LTI launches over https, inside an LMS iframe): SameSite=None; Secure; Partitioned (decision 057). */
export function setSessionCookie(reply: FastifyReply, token: string, expiresAt: Date, secure: boolean, crossSite = false) {
  const site = crossSite && secure ? ({ sameSite: 'none', partitioned: true } as const) : ({ sameSite: 'lax' } as const);
  reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, ...site, secure, expires: expiresAt });
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean) {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure });
}

/** Resolves the session cookie and enforces each route's declared access before its body is even parsed. */
export function installAuth(app: FastifyInstance, identity: IdentityService) {
  app.decorateRequest('auth', null);
  app.decorateRequest('staffRole', null);
  const staffRoutes: StaffRoute[] = [];
  app.decorate('staffRoutes', staffRoutes);
  // Every route declares its access (installHttpBasics); a staff route must also name its staff roles, or boot fails.
  app.addHook('onRoute', (route) => {
    const staff = checkStaffDeclaration(route.method, route.url, route.config?.access);
    if (!staff.length || route.method === 'HEAD') return;
    for (const method of [route.method].flat()) if (method !== 'HEAD') staffRoutes.push({ method, url: route.url, staff });
  });
  const decide = (request: FastifyRequest, access: Access) => {
    const auth = request.auth;
    const verdict = mayAccess(access, auth ? { role: auth.role, staffRoles: auth.user.staffRoles } : null);
    if (verdict === 'unauthenticated') throw unauthenticated();
    if (verdict === 'forbidden') {
      const staff = staffRolesOf(access);
      // Staff are told which role would do, so a refusal is clear; others get the plain answer.
      if (auth?.role === 'admin' && staff.length) throw forbidden(`This needs one of the staff roles: ${staff.join(', ')}.`);
      throw forbidden();
    }
    if (auth) request.staffRole = actingRole(access, auth.user.staffRoles);
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

/**
 * Whether a socket's user may send an event with a declared access (the same rule as routes). Account roles come
 * from the handshake; a staff account's staff roles are read at each check, so a revoked role stops at once.
 */
export function socketAuthorizer(staffRolesOfUser: (userId: string) => Promise<string[]>): SocketAuthorizer {
  return async (identity, access) => {
    const role = identity.role as Role;
    const asksStaff = role === 'admin' && staffRolesOf(access).length > 0;
    const held = asksStaff ? (await staffRolesOfUser(identity.userId)).filter((r): r is StaffRole => (allStaffRoles as readonly string[]).includes(r)) : [];
    return mayAccess(access, { role, staffRoles: held }) === 'ok';
  };
}
