import fp from 'fastify-plugin';
import { SOCKET_IDENTITY } from '../../platform/platform';
import { installAuth, socketAuthenticator, socketAuthorizer } from './identity.auth';
import { staffRolesOfUser } from './identity.lookups.repo';
import { TUTOR_BIO_SCREEN } from './identity.ports';
import { createIdentityRepo } from './identity.repo';
import { createLoginRetention } from './identity.retention';
import { identityRoutes } from './identity.routes';
import { loginLimitsOf } from './identity.login';
import { createIdentityService } from './identity.service';
import { createTutorStanding } from './identity.standing';
import { createStandingRepo } from './identity.standing.repo';
import { tutorStandingRoutes } from './identity.standing.routes';
import { subjectsCatalogue } from './subjects.catalogue';

export interface IdentityModuleOptions {
  /** How the account-wide log-in slow-down waits (tests observe it instead of waiting); a timer by default. */
  loginDelay?: ((ms: number) => Promise<void>) | undefined;
}

/** Accounts, sessions and the auth hook; answers Socket.IO's questions about who is behind a socket. */
export const identityModule = fp<IdentityModuleOptions>(
  async (fastify, opts) => {
    const { database, clock, logger, config, realtime, ports, jobs, events } = fastify.platform;
    const identityRepo = createIdentityRepo(database.db);
    const identity = createIdentityService({
      repo: identityRepo,
      clock,
      logger,
      sessionTtlMs: config.sessionTtlMs,
      onSessionsRevoked: (ids, reason) => {
        for (const id of ids) realtime.disconnectSession(id, reason);
      },
      sessionCacheTtlMs: config.sessionCacheTtlMs,
      onUserChanged: (userId) => realtime.broadcastUserChanged(userId),
      loginLimits: loginLimitsOf(config.login),
      bioScreen: ports.late(TUTOR_BIO_SCREEN, 'tutorline-identity'),
      ...(opts.loginDelay ? { loginDelay: opts.loginDelay } : {}),
    });
    ports.provide(SOCKET_IDENTITY, {
      authenticate: socketAuthenticator(fastify, identity),
      authorize: socketAuthorizer((userId) => staffRolesOfUser(database.db, userId)),
      forgetUser: (userId) => identity.forgetUser(userId),
      forgetAllUsers: () => identity.forgetAllUsers(),
    });
    await identityRepo.upsertSubjects(subjectsCatalogue);
    // Failed log-ins older than 30 days and long-expired log-in links are deleted every hour (decision 020).
    await createLoginRetention({ repo: identityRepo, db: database.db, clock, logger }).install(jobs);
    installAuth(fastify, identity);
    await fastify.register(identityRoutes, { identity, clock, secureCookies: config.secureCookies, login: config.login, events });
    const standing = createTutorStanding({ repo: createStandingRepo(database.db), clock, logger, events, jobs });
    await fastify.register(tutorStandingRoutes, { standing });
    fastify.decorate('identity', identity);
  },
  { name: 'tutorline-identity', fastify: '5.x', decorators: { fastify: ['platform'] }, dependencies: ['@fastify/cookie', '@fastify/rate-limit'] },
);
