import type { LtiRegistration, LtiRegistrationBody, LtiRegistrationPatch } from '@tutorline/contracts';
import type { FieldIssue } from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import { badRequest, conflict, notFound } from '../../platform/errors';
import type { Logger } from '../../platform/logger';
import { type LtiRepo, type RegistrationRow, type RegistrationValues, uniqueConstraint } from './lti.repo';
import { platformUrlProblem } from './lti.rules';

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

export function toRegistration(r: RegistrationRow, deploymentIds: string[]): LtiRegistration {
  return {
    id: r.id,
    name: r.name,
    issuer: r.issuer,
    clientId: r.clientId,
    deploymentIds,
    authLoginUrl: r.authLoginUrl,
    accessTokenUrl: r.accessTokenUrl,
    keysetUrl: r.keysetUrl,
    status: r.status,
    shareEmail: r.shareEmail,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** Admins register platforms, list them, edit them and confirm the ones dynamic registration left pending. */
export function createLtiRegistrations(deps: { repo: LtiRepo; clock: Clock; logger: Logger; production: boolean }) {
  const { repo, clock, logger, production } = deps;

  function checkUrls(body: Partial<Pick<LtiRegistrationBody, 'issuer' | 'authLoginUrl' | 'accessTokenUrl' | 'keysetUrl'>>) {
    const issues: FieldIssue[] = [];
    for (const field of ['issuer', 'authLoginUrl', 'accessTokenUrl', 'keysetUrl'] as const) {
      const value = body[field];
      if (value === undefined) continue;
      const problem = platformUrlProblem(value, production);
      if (problem) issues.push({ path: `body.${field}`, message: problem });
    }
    if (issues.length) throw badRequest(issues.map((i) => `${i.path} ${i.message}`).join('; '), issues);
  }
  function checkDeployments(ids: string[] | undefined) {
    if (ids && new Set(ids).size !== ids.length) throw badRequest('body.deploymentIds must not repeat an id', [{ path: 'body.deploymentIds', message: 'must not repeat an id' }]);
  }
  const taken = (err: unknown): never => {
    if (uniqueConstraint(err)) throw conflict('One of these deployment ids is already registered for this issuer and client id; nothing was changed.');
    throw err;
  };

  return {
    async create(body: LtiRegistrationBody, status: RegistrationRow['status'], adminId: string | null, settings: Record<string, unknown> = {}): Promise<LtiRegistration> {
      checkUrls(body);
      checkDeployments(body.deploymentIds);
      const values: RegistrationValues = {
        name: body.name,
        issuer: body.issuer,
        clientId: body.clientId,
        authLoginUrl: body.authLoginUrl,
        accessTokenUrl: body.accessTokenUrl,
        keysetUrl: body.keysetUrl,
        status,
        shareEmail: body.shareEmail ?? false,
        settings,
      };
      const row = await repo.insertRegistration(values, body.deploymentIds, clock.now()).catch(taken);
      logger.info({ event: 'lti_registration_created', registrationId: row.id, issuer: row.issuer, clientId: row.clientId, deploymentIds: body.deploymentIds, status, adminId }, 'LTI platform registered');
      return toRegistration(row, [...body.deploymentIds].sort());
    },

    async list(): Promise<LtiRegistration[]> {
      return (await repo.listRegistrations()).map((r) => toRegistration(r, r.deploymentIds));
    },

    async update(id: string, patch: LtiRegistrationPatch, adminId: string): Promise<LtiRegistration> {
      if (!isUuid(id) || !(await repo.findRegistration(id))) throw notFound('That registration');
      checkUrls(patch);
      checkDeployments(patch.deploymentIds);
      const { deploymentIds, ...fields } = patch;
      const row = await repo.updateRegistration(id, fields, deploymentIds, clock.now()).catch(taken);
      if (!row) throw notFound('That registration');
      logger.info({ event: 'lti_registration_updated', registrationId: id, fields: Object.keys(patch), adminId }, 'LTI registration updated');
      return toRegistration(row, await repo.deploymentIdsOf(id));
    },
  };
}
export type LtiRegistrations = ReturnType<typeof createLtiRegistrations>;
