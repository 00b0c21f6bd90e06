import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { compactVerify, decodeProtectedHeader } from 'jose';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db';
import type { Logger } from '../../platform/logger';
import { accountIdByEmail, insertSchoolAccount } from '../identity';
import { accountRoleOf, checkLaunchClaims, courseRoleOf, type LaunchRefusal, localPath, LOGIN_TTL_SECONDS, onOrigin } from './lti.rules';
import { membershipsUrlOf } from './lti.nrps.rules';
import type { LtiRepo, RegistrationRow } from './lti.repo';
import type { PlatformKeys } from './lti.platform-keys';

/** What a launch needs from identity: a session for an account it vouched for. */
export interface LaunchSessions {
  openSessionFor(userId: string, userAgent: string | null, via: string): Promise<{ token: string; expiresAt: Date; authSessionId: string } | null>;
}

export type Refused = { ok: false; reason: LaunchRefusal };
export type LoginStarted = { ok: true; redirectUrl: string; state: string };
export type Launched =
  | { ok: true; kind: 'session'; session: { token: string; expiresAt: Date }; redirectPath: string; userId: string; courseId: string | null; created: boolean }
  | { ok: true; kind: 'confirm_link'; linkToken: string };

/** The login parameters a platform sends (LTI Core 1.3 §4.1: third-party initiated login), GET query or POST form. */
export interface LoginParams {
  iss?: string | undefined;
  login_hint?: string | undefined;
  target_link_uri?: string | undefined;
  lti_message_hint?: string | undefined;
  client_id?: string | undefined;
  lti_deployment_id?: string | undefined;
}

const PENDING_LINK_TTL_MS = 15 * 60 * 1000;
const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');
const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The cookie that binds a state to the browser that started the login (one per login, so two tabs do not collide). */
export const stateCookieName = (state: string) => `tl_lti_${sha256(state).slice(0, 16)}`;

class RollBack extends Error {
  constructor(readonly reason: LaunchRefusal) {
    super(reason);
  }
}

export function createLtiLaunches(deps: { repo: LtiRepo; db: Db; clock: Clock; logger: Logger; platformKeys: PlatformKeys; sessions: LaunchSessions; toolOrigin: string }) {
  const { repo, db, clock, logger, platformKeys, toolOrigin } = deps;
  const refuse = (reason: LaunchRefusal, context: Record<string, unknown>): Refused => {
    logger.warn({ event: 'lti_launch_refused', reason, ...context }, 'LTI launch refused');
    return { ok: false, reason };
  };

  /** The registration whose endpoints a login uses, from the issuer, client id and deployment hints. */
  async function pickRegistration(p: { iss: string; clientId: string | null; deploymentId: string | null }): Promise<RegistrationRow | LaunchRefusal> {
    const all = await repo.registrationsOf(p.iss, p.clientId);
    const active = all.filter((r) => r.status === 'active');
    if (!active.length) return all.length ? 'registration_inactive' : 'unknown_platform';
    if (p.deploymentId !== null) {
      for (const r of active) {
        const owner = await repo.registrationByDeployment(p.iss, r.clientId, p.deploymentId);
        if (owner?.id === r.id) return r;
      }
      return 'unknown_deployment';
    }
    // Without a deployment hint the candidates must be one platform (Blackboard's tenants share client id and endpoints).
    const [first] = active;
    if (active.some((r) => r.clientId !== first!.clientId || r.authLoginUrl !== first!.authLoginUrl || r.keysetUrl !== first!.keysetUrl)) return 'ambiguous_platform';
    return first!;
  }

  return {
    async initiateLogin(params: LoginParams): Promise<LoginStarted | Refused> {
      const { iss, login_hint: loginHint, target_link_uri: target } = params;
      if (!iss || !loginHint || !target) return refuse('login_bad_request', { missing: ['iss', 'login_hint', 'target_link_uri'].filter((k) => !params[k as keyof LoginParams]) });
      if (!onOrigin(target, toolOrigin)) return refuse('target_link_uri_off_origin', { iss, stage: 'login' });
      const registration = await pickRegistration({ iss, clientId: params.client_id ?? null, deploymentId: params.lti_deployment_id ?? null });
      if (typeof registration === 'string') return refuse(registration, { iss, clientId: params.client_id, deploymentId: params.lti_deployment_id, stage: 'login' });
      const now = clock.now();
      const state = randomBytes(32).toString('base64url');
      const nonce = randomBytes(32).toString('base64url');
      await repo.insertLogin({
        state,
        nonce,
        registrationId: registration.id,
        issuer: iss,
        clientId: registration.clientId,
        deploymentHint: params.lti_deployment_id ?? null,
        targetLinkUri: target,
        createdAt: now,
        expiresAt: new Date(now.getTime() + LOGIN_TTL_SECONDS * 1000),
      });
      const url = new URL(registration.authLoginUrl);
      const query: Record<string, string> = {
        scope: 'openid',
        response_type: 'id_token',
        response_mode: 'form_post',
        prompt: 'none',
        client_id: registration.clientId,
        redirect_uri: `${toolOrigin}/lti/launch`,
        login_hint: loginHint,
        state,
        nonce,
        ...(params.lti_message_hint ? { lti_message_hint: params.lti_message_hint } : {}),
      };
      for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
      logger.info({ event: 'lti_login_started', registrationId: registration.id, iss }, 'LTI login started');
      return { ok: true, redirectUrl: url.toString(), state };
    },

    /** The form_post back from the platform: the id_token checked in full, then the account, course and session. */
    async launch(input: { idToken: string | undefined; state: string | undefined; stateCookie: string | undefined; userAgent: string | null }): Promise<Launched | Refused> {
      const now = clock.now();
      if (!input.state) return refuse('state_missing', {});
      const login = await repo.findLogin(input.state);
      if (!login) return refuse('state_forged', {});
      const ctx = { registrationId: login.registrationId, iss: login.issuer };
      if (!input.stateCookie || !sameSecret(input.stateCookie, input.state)) return refuse('state_cookie_mismatch', ctx);
      if (login.expiresAt.getTime() <= now.getTime()) return refuse('state_expired', ctx);
      if (!input.idToken) return refuse('token_missing', ctx);

      let header: { alg?: string; kid?: string };
      try {
        header = decodeProtectedHeader(input.idToken);
      } catch {
        return refuse('token_malformed', ctx);
      }
      if (header.alg !== 'RS256') return refuse('alg_not_allowed', { ...ctx, alg: header.alg ?? null });
      if (!header.kid) return refuse('kid_missing', ctx);
      const registration = await repo.findRegistration(login.registrationId);
      if (!registration) return refuse('unknown_platform', ctx);
      const key = await platformKeys.keyFor(registration.keysetUrl, header.kid);
      if (!key.ok) return refuse(key.reason, { ...ctx, kid: header.kid });
      let payload: Record<string, unknown>;
      try {
        const verified = await compactVerify(input.idToken, key.key, { algorithms: ['RS256'] });
        payload = JSON.parse(new TextDecoder().decode(verified.payload)) as Record<string, unknown>;
        if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw new Error('payload is not an object');
      } catch {
        return refuse('bad_signature', { ...ctx, kid: header.kid });
      }

      const checked = checkLaunchClaims(payload, { issuer: login.issuer, clientId: login.clientId, nonce: login.nonce, toolOrigin }, now);
      if (!checked.ok) return refuse(checked.reason, { ...ctx, kid: header.kid });
      const claims = checked.value;
      const target = await repo.registrationByDeployment(login.issuer, login.clientId, claims.deploymentId);
      if (!target || (login.deploymentHint !== null && login.deploymentHint !== claims.deploymentId)) return refuse('unknown_deployment', { ...ctx, deploymentId: claims.deploymentId });
      if (target.status !== 'active') return refuse('registration_inactive', { ...ctx, registrationId: target.id });
      const courseRole = courseRoleOf(claims.roles);
      if (!courseRole) return refuse('no_supported_role', { ...ctx, roles: claims.roles });

      const email = target.shareEmail ? claims.email : null;
      type Outcome = { kind: 'user'; userId: string; created: boolean; courseId: string | null } | { kind: 'confirm_link'; linkToken: string; courseId: string | null };
      let outcome: Outcome;
      try {
        outcome = await db.transaction(async (tx): Promise<Outcome> => {
          // The nonce is spent first, in the same transaction as everything the launch creates: a replay creates nothing.
          if (!(await repo.consumeLogin(tx, login.state, login.nonce, now))) throw new RollBack('nonce_replayed');
          const courseId = claims.context
            ? await repo.upsertCourse(tx, { registrationId: target.id, contextId: claims.context.id, title: claims.context.title ?? claims.context.label ?? 'Course', label: claims.context.label, membershipsUrl: membershipsUrlOf(payload), now })
            : null;
          let userId = await repo.linkedUser(tx, login.issuer, claims.sub);
          let created = false;
          if (userId) {
            await repo.touchLtiUser(tx, login.issuer, claims.sub, now);
          } else {
            if (email && (await accountIdByEmail(tx, email))) {
              // An account with this email exists: it is linked only after its owner logs in and confirms.
              const linkToken = randomBytes(32).toString('base64url');
              await repo.insertPendingLink(tx, { tokenHash: sha256(linkToken), issuer: login.issuer, sub: claims.sub, registrationId: target.id, courseId, courseRole, createdAt: now, expiresAt: new Date(now.getTime() + PENDING_LINK_TTL_MS) });
              return { kind: 'confirm_link', linkToken, courseId };
            }
            const account = await insertSchoolAccount(tx, {
              role: accountRoleOf(courseRole),
              email: email ?? `lti-${sha256(`${login.issuer}\n${claims.sub}`).slice(0, 24).toLowerCase()}@lti.tutorline.invalid`,
              displayName: (claims.name ?? (courseRole === 'staff' ? 'Course staff' : 'Student')).slice(0, 80),
              now,
            });
            if (!(await repo.insertLtiUser(tx, { issuer: login.issuer, sub: claims.sub, userId: account.id, registrationId: target.id, createdAt: now, lastLaunchAt: now }))) {
              throw new RollBack('nonce_replayed');
            }
            userId = account.id;
            created = true;
          }
          if (courseId) await repo.upsertMember(tx, { courseId, userId, courseRole, now });
          return { kind: 'user', userId, created, courseId };
        });
      } catch (err) {
        if (err instanceof RollBack) return refuse(err.reason, ctx);
        throw err;
      }
      if (outcome.kind === 'confirm_link') {
        logger.info({ event: 'lti_link_pending', registrationId: target.id, courseId: outcome.courseId }, 'LTI identity waits for its account owner to confirm');
        return { ok: true, kind: 'confirm_link', linkToken: outcome.linkToken };
      }
      if (outcome.created) logger.info({ event: 'user_signed_up', userId: outcome.userId, role: accountRoleOf(courseRole), via: 'lti', registrationId: target.id }, 'user signed up');
      const session = await deps.sessions.openSessionFor(outcome.userId, input.userAgent, 'lti');
      if (!session) return refuse('account_disabled', { ...ctx, userId: outcome.userId });
      logger.info({ event: 'lti_launched', userId: outcome.userId, registrationId: target.id, courseId: outcome.courseId, courseRole, deploymentId: claims.deploymentId }, 'LTI launch');
      return {
        ok: true,
        kind: 'session',
        session,
        userId: outcome.userId,
        courseId: outcome.courseId,
        created: outcome.created,
        redirectPath: outcome.courseId ? `/courses/${outcome.courseId}` : localPath(claims.targetLinkUri),
      };
    },

    /** A logged-in user confirms that a pending LTI identity is theirs. */
    async confirmLink(linkToken: string, userId: string): Promise<{ ok: true; courseId: string | null } | { ok: false; reason: 'link_unknown' | 'already_linked' }> {
      const now = clock.now();
      try {
        return await db.transaction(async (tx) => {
          const pending = await repo.usePendingLink(tx, sha256(linkToken), now);
          if (!pending) throw new LinkFail('link_unknown');
          if (!(await repo.insertLtiUser(tx, { issuer: pending.issuer, sub: pending.sub, userId, registrationId: pending.registrationId, createdAt: now, lastLaunchAt: now }))) throw new LinkFail('already_linked');
          if (pending.courseId) await repo.upsertMember(tx, { courseId: pending.courseId, userId, courseRole: pending.courseRole, now });
          logger.info({ event: 'lti_user_linked', userId, registrationId: pending.registrationId }, 'LTI identity linked to an existing account');
          return { ok: true as const, courseId: pending.courseId };
        });
      } catch (err) {
        if (err instanceof LinkFail) {
          logger.warn({ event: 'lti_link_refused', reason: err.reason, userId }, 'LTI link refused');
          return { ok: false, reason: err.reason };
        }
        throw err;
      }
    },
  };
}
export type LtiLaunches = ReturnType<typeof createLtiLaunches>;

class LinkFail extends Error {
  constructor(readonly reason: 'link_unknown' | 'already_linked') {
    super(reason);
  }
}
