import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { compactVerify, decodeProtectedHeader } from 'jose';
import type { Clock } from '../../platform/clock';
import type { Db, Tx } from '../../platform/db';
import type { Logger } from '../../platform/logger';
import { accountIdByEmail, insertSchoolAccount } from '../identity';
import { accountRoleOf, checkLaunchClaims, courseRoleOf, type LaunchRefusal, localPath, LOGIN_TTL_SECONDS, onOrigin } from './lti.rules';
import { membershipsUrlOf } from './lti.nrps.rules';
import type { LtiRepo, RegistrationRow } from './lti.repo';
import type { PlatformKeys } from './lti.platform-keys';
import { ITEM_PARAM } from './lti.deeplink.rules';
import type { DeepLinks } from './lti.deeplink.service';

/** What a launch needs from identity: a session for an account it vouched for. */
export interface LaunchSessions {
  openSessionFor(userId: string, userAgent: string | null, via: string): Promise<{ token: string; expiresAt: Date; authSessionId: string } | null>;
}

/** A refusal, with the registration when it is known (its platform may frame the refusal page). */
export type Refused = { ok: false; reason: LaunchRefusal; registrationId?: string | undefined };
export type LoginStarted = { ok: true; redirectUrl: string; state: string };
export type Launched =
  | { ok: true; kind: 'session'; session: { token: string; expiresAt: Date }; redirectPath: string; userId: string; courseId: string | null; created: boolean; registrationId: string }
  | { ok: true; kind: 'confirm_link'; linkToken: string; emailTaken: boolean; registrationId: string }
  | { ok: true; kind: 'deep_link'; token: string; registrationId: string };

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

export function createLtiLaunches(deps: {
  repo: LtiRepo;
  db: Db;
  clock: Clock;
  logger: Logger;
  platformKeys: PlatformKeys;
  sessions: LaunchSessions;
  toolOrigin: string;
  deepLinks: DeepLinks;
  /** Keeps what a course's launch offers (AGS endpoint), inside the launch's transaction. */
  onCourseLaunch?: (tx: Tx, a: { courseId: string; payload: Record<string, unknown>; now: Date }) => Promise<void>;
}) {
  const { repo, db, clock, logger, platformKeys, toolOrigin, deepLinks } = deps;
  const refuse = (reason: LaunchRefusal, context: Record<string, unknown>): Refused => {
    logger.warn({ event: 'lti_launch_refused', reason, ...context }, 'LTI launch refused');
    return { ok: false, reason, registrationId: typeof context.registrationId === 'string' ? context.registrationId : undefined };
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

  /** A school account for an LTI identity (email only if the school shares it and nobody has it), linked to it. */
  async function createSchoolUser(tx: Tx, p: { issuer: string; sub: string; registrationId: string; courseRole: 'staff' | 'learner'; displayName: string; email: string | null; now: Date }) {
    const account = await insertSchoolAccount(tx, {
      role: accountRoleOf(p.courseRole),
      email: p.email ?? `lti-${sha256(`${p.issuer}\n${p.sub}`).slice(0, 24).toLowerCase()}@lti.tutorline.invalid`,
      displayName: p.displayName,
      now: p.now,
    });
    // Another launch of the same identity won the race: the caller rolls this account back.
    if (!(await repo.insertLtiUser(tx, { issuer: p.issuer, sub: p.sub, userId: account.id, registrationId: p.registrationId, createdAt: p.now, lastLaunchAt: p.now }))) return null;
    return { userId: account.id };
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
      const deepLinking = claims.messageType === 'LtiDeepLinkingRequest' ? claims.deepLinking : null;
      if (deepLinking && courseRole !== 'staff') return refuse('deep_link_not_staff', { ...ctx, roles: claims.roles });
      // A placed item names itself; one this registration never placed is refused before anything is made.
      const itemId = claims.custom[ITEM_PARAM];
      const landing = itemId !== undefined ? await deepLinks.landingFor(itemId, target.id) : null;
      if (itemId !== undefined && !landing) return refuse('item_unknown', { ...ctx, itemId: itemId.slice(0, 64) });
      type Outcome =
        | { kind: 'user'; userId: string; created: boolean; courseId: string | null }
        | { kind: 'confirm_link'; linkToken: string; courseId: string | null; emailTaken: boolean }
        | { kind: 'deep_link'; token: string; userId: string; courseId: string | null };
      let outcome: Outcome;
      try {
        outcome = await db.transaction(async (tx): Promise<Outcome> => {
          // The nonce is spent first, in the same transaction as everything the launch creates: a replay creates nothing.
          if (!(await repo.consumeLogin(tx, login.state, login.nonce, now))) throw new RollBack('nonce_replayed');
          const courseId = claims.context
            ? await repo.upsertCourse(tx, { registrationId: target.id, contextId: claims.context.id, title: claims.context.title ?? claims.context.label ?? 'Course', label: claims.context.label, membershipsUrl: membershipsUrlOf(payload), now })
            : null;
          if (courseId) await deps.onCourseLaunch?.(tx, { courseId, payload, now });
          let userId = await repo.linkedUser(tx, login.issuer, claims.sub);
          let created = false;
          const displayName = (claims.name ?? (courseRole === 'staff' ? 'Course staff' : 'Student')).slice(0, 80);
          if (userId) {
            await repo.touchLtiUser(tx, login.issuer, claims.sub, now);
          } else if (!deepLinking) {
            // A first launch makes nothing yet: the person chooses "I already have an account" (log in, link) or a new one.
            const emailTaken = email !== null && (await accountIdByEmail(tx, email)) !== null;
            const linkToken = randomBytes(32).toString('base64url');
            await repo.insertPendingLink(tx, {
              tokenHash: sha256(linkToken),
              issuer: login.issuer,
              sub: claims.sub,
              registrationId: target.id,
              courseId,
              courseRole,
              createdAt: now,
              expiresAt: new Date(now.getTime() + PENDING_LINK_TTL_MS),
              displayName,
              email: emailTaken ? null : email,
              landingPath: landing ? landing(courseId) : courseId ? `/courses/${courseId}` : localPath(claims.targetLinkUri),
            });
            return { kind: 'confirm_link', linkToken, courseId, emailTaken };
          } else {
            // Course staff placing content in the middle of their LMS's flow: their account is made at once.
            const taken = email !== null && (await accountIdByEmail(tx, email)) !== null;
            const made = await createSchoolUser(tx, { issuer: login.issuer, sub: claims.sub, registrationId: target.id, courseRole, displayName, email: taken ? null : email, now });
            if (!made) throw new RollBack('nonce_replayed');
            userId = made.userId;
            created = true;
          }
          if (courseId) await repo.upsertMember(tx, { courseId, userId, courseRole, now });
          if (deepLinking) return { kind: 'deep_link', token: await deepLinks.start(tx, { registrationId: target.id, deploymentId: claims.deploymentId, courseId, userId, settings: deepLinking, now }), userId, courseId };
          return { kind: 'user', userId, created, courseId };
        });
      } catch (err) {
        if (err instanceof RollBack) return refuse(err.reason, ctx);
        throw err;
      }
      if (outcome.kind === 'confirm_link') {
        logger.info({ event: 'lti_link_pending', registrationId: target.id, courseId: outcome.courseId, emailTaken: outcome.emailTaken }, 'LTI first launch: the person chooses a new or an existing account');
        return { ok: true, kind: 'confirm_link', linkToken: outcome.linkToken, emailTaken: outcome.emailTaken, registrationId: target.id };
      }
      if (outcome.kind === 'deep_link') {
        logger.info({ event: 'lti_deep_link_started', userId: outcome.userId, registrationId: target.id, courseId: outcome.courseId, deploymentId: claims.deploymentId }, 'LTI deep-linking request');
        return { ok: true, kind: 'deep_link', token: outcome.token, registrationId: target.id };
      }
      if (outcome.created) logger.info({ event: 'user_signed_up', userId: outcome.userId, role: accountRoleOf(courseRole), via: 'lti', registrationId: target.id }, 'user signed up');
      const session = await deps.sessions.openSessionFor(outcome.userId, input.userAgent, 'lti');
      if (!session) return refuse('account_disabled', { ...ctx, userId: outcome.userId });
      logger.info({ event: 'lti_launched', userId: outcome.userId, registrationId: target.id, courseId: outcome.courseId, courseRole, deploymentId: claims.deploymentId, itemId: itemId ?? null }, 'LTI launch');
      return {
        ok: true,
        kind: 'session',
        session,
        userId: outcome.userId,
        courseId: outcome.courseId,
        created: outcome.created,
        registrationId: target.id,
        redirectPath: landing ? landing(outcome.courseId) : outcome.courseId ? `/courses/${outcome.courseId}` : localPath(claims.targetLinkUri),
      };
    },

    /** "Continue as new" on the first-launch page: the pending identity becomes a new school account, with a session. */
    async continueAsNew(linkToken: string | undefined, userAgent: string | null): Promise<{ ok: true; session: { token: string; expiresAt: Date }; redirectPath: string; userId: string; registrationId: string } | { ok: false; reason: 'link_unknown' | 'already_linked' | 'account_disabled' }> {
      const now = clock.now();
      let made: { userId: string; registrationId: string; landingPath: string; courseRole: 'staff' | 'learner' };
      try {
        made = await db.transaction(async (tx) => {
          const pending = linkToken ? await repo.usePendingLink(tx, sha256(linkToken), now) : undefined;
          if (!pending) throw new LinkFail('link_unknown');
          const made = await createSchoolUser(tx, { issuer: pending.issuer, sub: pending.sub, registrationId: pending.registrationId, courseRole: pending.courseRole, displayName: pending.displayName ?? 'Student', email: pending.email, now });
          if (!made) throw new LinkFail('already_linked');
          const { userId } = made;
          if (pending.courseId) await repo.upsertMember(tx, { courseId: pending.courseId, userId, courseRole: pending.courseRole, now });
          return { userId, registrationId: pending.registrationId, landingPath: pending.landingPath ?? (pending.courseId ? `/courses/${pending.courseId}` : '/'), courseRole: pending.courseRole };
        });
      } catch (err) {
        if (err instanceof LinkFail) {
          logger.warn({ event: 'lti_link_refused', reason: err.reason, choice: 'new' }, 'LTI new account refused');
          return { ok: false, reason: err.reason };
        }
        throw err;
      }
      logger.info({ event: 'user_signed_up', userId: made.userId, role: accountRoleOf(made.courseRole), via: 'lti', registrationId: made.registrationId }, 'user signed up');
      const session = await deps.sessions.openSessionFor(made.userId, userAgent, 'lti');
      if (!session) return { ok: false, reason: 'account_disabled' };
      return { ok: true, session, redirectPath: made.landingPath, userId: made.userId, registrationId: made.registrationId };
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
