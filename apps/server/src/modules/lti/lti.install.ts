import fp from 'fastify-plugin';
import { createLmsSimulator, lmsSimulatorRoutes, type LmsSimulator } from '../../integrations/lms/simulator';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import { installAgs } from './lti.ags.install';
import type { FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../identity';
import { BOOKING_COURSES } from '../scheduling';
import { CLASS_COURSES } from '../classes';
import { HELP_COURSES } from '../help';
import { createCourseMemberships, noCourseMemberships } from './lti.course-tags.repo';
import { noSchoolPaidLessons, SCHOOL_PAID_LESSONS } from '../billing';
import { createStatementRepo, schoolPaidLessonsOf } from './lti.statement.repo';
import { createAllowanceRepo } from './lti.allowance.repo';
import { createCourseBookings, noCourseBookings } from './lti.course-bookings';
import { createPickerCatalogue } from './lti.deeplink.catalogue';
import { createDeepLinkRepo } from './lti.deeplink.repo';
import { deepLinkRoutes } from './lti.deeplink.routes';
import { createDeepLinks } from './lti.deeplink.service';
import { createDynamicRegistration } from './lti.dynamic';
import { createLtiFraming } from './lti.framing';
import { createKeyBox, createToolKeys, type KeyBox } from './lti.keys';
import { unsealedLrsOf, withLrs } from './lti.xapi.rules';
import { createPlatformKeys } from './lti.platform-keys';
import { createLtiRegistrations, type LtiRegistrations } from './lti.registrations';
import { installRostersAndUsage } from './lti.nrps.install';
import { createLtiRepo, type LtiRepo } from './lti.repo';
import { ltiRoutes } from './lti.routes';
import { installLoginSweep } from './lti.sweep';
import { createLtiLaunches } from './lti.service';

/**
 * LTI 1.3 (issue #16, first half): registrations, the tool's keys, OIDC login and launch, dynamic registration, and in
 * development the LMS simulator at /dev/lms, registered as a platform so one click launches.
 */
export const ltiModule = fp(
  async (fastify) => {
    const { database, clock, logger, config, signingSecret, jobs, ports } = fastify.platform;
    const production = config.env === 'production';
    if (!signingSecret) {
      // The private keys are sealed under the signing secret; production without one has no LTI.
      logger.warn({ event: 'lti_disabled', reason: 'no SIGNING_SECRET' }, 'LTI is off: set SIGNING_SECRET to seal the tool keys');
      fastify.decorate('lti', null);
      ports.provide(BOOKING_COURSES, noCourseBookings);
      ports.provide(HELP_COURSES, noCourseMemberships);
      ports.provide(CLASS_COURSES, noCourseMemberships);
      ports.provide(SCHOOL_PAID_LESSONS, noSchoolPaidLessons);
      return;
    }
    const toolOrigin = new URL(config.publicUrl).origin;
    const repo = createLtiRepo(database.db);
    const keys = createToolKeys({ repo, box: createKeyBox(signingSecret), clock, logger });
    const registrations = createLtiRegistrations({ repo, clock, logger, production });
    const { ags, tokens } = installAgs(fastify.platform, keys);
    const links = createDeepLinkRepo(database.db);
    const deepLinks = createDeepLinks({ repo, links, db: database.db, clock, logger, keys, toolOrigin, catalogue: createPickerCatalogue({ db: database.db, clock }) });
    const launches = createLtiLaunches({ repo, db: database.db, clock, logger, platformKeys: createPlatformKeys({ logger }), sessions: fastify.identity, toolOrigin, onCourseLaunch: ags.recordLaunch, deepLinks });
    const dynamic = createDynamicRegistration({ registrations, logger, toolOrigin, production });
    const framing = createLtiFraming({ repo, signingSecret, secureCookies: config.secureCookies, now: () => clock.now().getTime() });
    framing.install(fastify);
    await fastify.register(ltiRoutes, { launches, registrations, dynamic, keys, repo, toolOrigin, secureCookies: config.secureCookies, deepLinks, framing });
    const whoIs = async (request: FastifyRequest) => {
      const auth = await fastify.identity.resolveSession(request.cookies[SESSION_COOKIE]);
      return auth ? { id: auth.id, displayName: auth.user.displayName } : null;
    };
    const allowances = createAllowanceRepo(database.db);
    const courseBookings = createCourseBookings({ links, allowances, logger });
    ports.provide(BOOKING_COURSES, courseBookings);
    const memberships = createCourseMemberships();
    ports.provide(HELP_COURSES, memberships);
    ports.provide(CLASS_COURSES, memberships);
    const statementRepo = createStatementRepo(database.db);
    ports.provide(SCHOOL_PAID_LESSONS, schoolPaidLessonsOf(statementRepo));
    await fastify.register(deepLinkRoutes, { launches, deepLinks, repo, secureCookies: config.secureCookies, whoIs, framing });

    await installLoginSweep({ jobs, repo, db: database.db, clock, logger });
    const lrsBox = createKeyBox(signingSecret, 'lti-lrs-secrets');
    await sealLegacyLrsSecrets({ repo, box: lrsBox, clock, logger });
    const nrps = await installRostersAndUsage(fastify, { platform: fastify.platform, repo, tokens, toolOrigin, lrsBox, allowances, statementRepo, taggedBookings: courseBookings.bookingsOfCourse });

    let simulator: LmsSimulator | null = null;
    if (config.lti.simulator && !production) {
      simulator = createLmsSimulator(config.publicUrl, clock);
      await fastify.register(lmsSimulatorRoutes, { base: config.publicUrl, toolOrigin, clock, logger, simulator });
      if (config.env === 'development') await registerDevPlatform(simulator, registrations, clock, logger);
    }
    fastify.decorate('lti', { keys, registrations, simulator, repo, ags, courseBookings, nrps });
  },
  { name: 'tutorline-lti', fastify: '5.x', decorators: { fastify: ['platform', 'identity'] }, dependencies: ['@fastify/cookie', '@fastify/rate-limit', 'tutorline-identity'] },
);

/** Development: one simulated Canvas course, registered (once) so /dev/lms launches work on a fresh database. */
async function registerDevPlatform(simulator: LmsSimulator, registrations: LtiRegistrations, clock: Clock, logger: Logger) {
  const p = await simulator.add({ slug: 'canvas', dialect: 'canvas', clientId: 'tutorline-dev', deploymentId: 'dev-deployment-1' });
  const existing = (await registrations.list()).find((r) => r.issuer === p.issuer && r.clientId === p.clientId);
  if (existing) return;
  await registrations.create(p.registrationBody('LMS simulator (Canvas dialect)'), 'active', null, { dialect: 'canvas', simulator: true });
  logger.info({ event: 'lti_dev_platform_registered', at: clock.now().toISOString() }, 'LMS simulator registered as a platform');
}

/** An LRS secret stored in the clear by an earlier version is sealed at start (decision 065); sealed ones are left alone. */
async function sealLegacyLrsSecrets(deps: { repo: LtiRepo; box: KeyBox; clock: Clock; logger: Logger }) {
  for (const reg of await deps.repo.listRegistrations()) {
    const plain = unsealedLrsOf(reg.settings);
    if (!plain) continue;
    await deps.repo.updateRegistration(reg.id, { settings: withLrs(reg.settings, plain, (p) => deps.box.seal(p)) }, undefined, deps.clock.now());
    deps.logger.info({ event: 'lti_lrs_secret_sealed', registrationId: reg.id }, 'LTI registration LRS secret sealed');
  }
}
