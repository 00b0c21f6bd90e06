import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/platform';
import type { AgsTokens } from './lti.ags.token';
import { createRosterSync, installRosterRefresh } from './lti.nrps.service';
import { createNrpsRepo } from './lti.nrps.repo';
import { createServiceTokens } from './lti.nrps.token';
import type { KeyBox } from './lti.keys';
import type { LtiRepo } from './lti.repo';
import { ltiUsageRoutes } from './lti.usage.routes';
import type { AllowanceRepo } from './lti.allowance.repo';
import { ltiAllowanceRoutes } from './lti.allowance.routes';
import { createCourseAllowances } from './lti.allowance.service';
import { createCourseActivities, createUsageReports } from './lti.usage.service';
import { createXapiRepo } from './lti.xapi.repo';
import { createXapiExports } from './lti.xapi.service';
import { LTI_CHILD_SHARING } from './lti.ports';
import { ltiStatementRoutes } from './lti.statement.routes';
import { createCourseStatements } from './lti.statement.service';
import type { StatementRepo } from './lti.statement.repo';

/**
 * Rosters (NRPS), the usage report and the exports (xAPI, CSV): issue #16's second half, wired from the LTI installer.
 * The daily job refreshes every roster, then queues the xAPI statements of courses whose registration has an LRS.
 */
export async function installRostersAndUsage(
  fastify: FastifyInstance,
  deps: { platform: Platform; repo: LtiRepo; tokens: AgsTokens; toolOrigin: string; lrsBox: KeyBox; allowances: AllowanceRepo; statementRepo: StatementRepo; taggedBookings: (courseId: string) => Promise<string[]> },
) {
  const { database, clock, logger, jobs, events, ports } = deps.platform;
  const nrpsRepo = createNrpsRepo(database.db);
  const tokens = createServiceTokens({ repo: deps.repo, tokens: deps.tokens });
  const roster = createRosterSync({ repo: nrpsRepo, tokens, clock, logger, events });
  const activities = createCourseActivities({ db: database.db, repo: nrpsRepo, clock, taggedBookings: deps.taggedBookings });
  const allowances = createCourseAllowances({ repo: deps.allowances, nrps: nrpsRepo, clock, logger });
  const usage = createUsageReports({ repo: nrpsRepo, activities, roster, allowances });
  const xapi = createXapiExports({ repo: createXapiRepo(database.db), activities, jobs, clock, logger, toolOrigin: deps.toolOrigin, lrsBox: deps.lrsBox, sharing: ports.late(LTI_CHILD_SHARING, 'tutorline-lti') });
  await installRosterRefresh({ jobs, db: database.db, repo: nrpsRepo, sync: roster, clock, logger, afterSync: async (courseId) => void (await xapi.exportCourse(courseId)) });
  await fastify.register(ltiUsageRoutes, { usage, xapi, repo: deps.repo, clock, lrsBox: deps.lrsBox });
  await fastify.register(ltiAllowanceRoutes, { allowances });
  await fastify.register(ltiStatementRoutes, { statements: createCourseStatements({ db: database.db, repo: deps.statementRepo, nrps: nrpsRepo, clock }) });
  return { roster, usage, xapi, allowances };
}
export type RostersAndUsage = Awaited<ReturnType<typeof installRostersAndUsage>>;
