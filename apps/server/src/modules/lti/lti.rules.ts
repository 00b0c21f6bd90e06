/**
 * LTI 1.3 decisions with no I/O (issue #16): the id_token's claims after its signature checked out, the course role
 * from the LTI role vocabulary, and which URLs a registration may use. Time comes in as an argument.
 * References: 1EdTech LTI Core 1.3 §5.1.2-5.4 and Security Framework 1.0 §5.1.3 (id_token validation).
 */

import { customOf, type DeepLinkSettings, deepLinkSettingsOf } from './lti.deeplink.rules';

export const LTI_CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/';
export const claim = (name: string) => `${LTI_CLAIM}${name}`;

/** Seconds of clock skew allowed on exp, iat and nbf. */
export const CLOCK_TOLERANCE_SECONDS = 60;
/** An id_token issued longer ago than this is refused even if its exp lies further ahead. */
export const MAX_TOKEN_AGE_SECONDS = 10 * 60;
/** How long a login's state and nonce wait for the launch. */
export const LOGIN_TTL_SECONDS = 10 * 60;

/** Every reason a login initiation or a launch is refused; each one is logged and shown on a page. */
export const launchRefusals = [
  'login_bad_request',
  'unknown_platform',
  'ambiguous_platform',
  'registration_inactive',
  'state_missing',
  'state_forged',
  'state_expired',
  'state_cookie_mismatch',
  'token_missing',
  'token_malformed',
  'alg_not_allowed',
  'kid_missing',
  'unknown_kid',
  'keyset_unavailable',
  'bad_signature',
  'wrong_issuer',
  'wrong_audience',
  'wrong_azp',
  'expired',
  'iat_missing',
  'iat_in_future',
  'iat_too_old',
  'not_yet_valid',
  'nonce_missing',
  'nonce_mismatch',
  'nonce_replayed',
  'unknown_deployment',
  'wrong_version',
  'unsupported_message_type',
  'resource_link_missing',
  'sub_missing',
  'target_link_uri_off_origin',
  'no_supported_role',
  'account_disabled',
  // Deep Linking 2.0 and placed items (lti.deeplink.*.ts)
  'deep_linking_settings_missing',
  'deep_link_not_staff',
  'deep_link_replayed',
  'deep_link_bad_choice',
  'item_unknown',
] as const;
export type LaunchRefusal = (typeof launchRefusals)[number];

export const supportedMessageTypes = ['LtiResourceLinkRequest', 'LtiDeepLinkingRequest'] as const;

export interface ValidatedLaunch {
  sub: string;
  deploymentId: string;
  messageType: (typeof supportedMessageTypes)[number];
  resourceLinkId: string;
  targetLinkUri: string;
  roles: string[];
  name: string | null;
  email: string | null;
  context: { id: string; title: string | null; label: string | null } | null;
  /** LtiDeepLinkingRequest only: where and how to answer (LTI Deep Linking 2.0 §4.4.1). */
  deepLinking: DeepLinkSettings | null;
  /** The custom claim's string values (a placed item names itself in `tutorline_item`). */
  custom: Record<string, string>;
}

export type ClaimCheck = { ok: true; value: ValidatedLaunch } | { ok: false; reason: LaunchRefusal };

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const obj = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);

/**
 * The claims of an id_token whose RS256 signature has been verified with a key from the platform's JWKS, checked in
 * the order the Security Framework lists them: issuer, audience and azp, times, nonce, then LTI's own claims.
 * `nonce` is the one this login sent; consuming it once is the caller's (atomic) job after this passes.
 */
export function checkLaunchClaims(
  payload: Record<string, unknown>,
  expect: { issuer: string; clientId: string; nonce: string; toolOrigin: string },
  now: Date,
): ClaimCheck {
  const refuse = (reason: LaunchRefusal): ClaimCheck => ({ ok: false, reason });
  if (payload.iss !== expect.issuer) return refuse('wrong_issuer');
  const aud = payload.aud;
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) && aud.every((a) => typeof a === 'string') ? (aud as string[]) : null;
  if (!audiences || !audiences.includes(expect.clientId)) return refuse('wrong_audience');
  // With several audiences, azp must be present and be us; with one, an azp present must still be us.
  if ((audiences.length > 1 || payload.azp !== undefined) && payload.azp !== expect.clientId) return refuse('wrong_azp');
  const nowSec = Math.floor(now.getTime() / 1000);
  if (typeof payload.exp !== 'number' || payload.exp <= nowSec - CLOCK_TOLERANCE_SECONDS) return refuse('expired');
  if (typeof payload.iat !== 'number') return refuse('iat_missing');
  if (payload.iat > nowSec + CLOCK_TOLERANCE_SECONDS) return refuse('iat_in_future');
  if (payload.iat < nowSec - MAX_TOKEN_AGE_SECONDS) return refuse('iat_too_old');
  if (payload.nbf !== undefined && (typeof payload.nbf !== 'number' || payload.nbf > nowSec + CLOCK_TOLERANCE_SECONDS)) return refuse('not_yet_valid');
  if (payload.nonce === undefined || payload.nonce === null || payload.nonce === '') return refuse('nonce_missing');
  if (payload.nonce !== expect.nonce) return refuse('nonce_mismatch');

  const sub = str(payload.sub);
  if (!sub) return refuse('sub_missing');
  const deploymentId = str(payload[claim('deployment_id')]);
  if (!deploymentId) return refuse('unknown_deployment');
  if (payload[claim('version')] !== '1.3.0') return refuse('wrong_version');
  const messageType = payload[claim('message_type')];
  if (!supportedMessageTypes.includes(messageType as never)) return refuse('unsupported_message_type');
  // A deep-linking request has no resource link yet (it is what makes one); it carries its settings instead.
  const deepLinking = messageType === 'LtiDeepLinkingRequest' ? deepLinkSettingsOf(payload) : null;
  if (messageType === 'LtiDeepLinkingRequest' && !deepLinking) return refuse('deep_linking_settings_missing');
  const resourceLinkId = str(obj(payload[claim('resource_link')])?.id) ?? (deepLinking ? '' : null);
  if (resourceLinkId === null) return refuse('resource_link_missing');
  const targetLinkUri = str(payload[claim('target_link_uri')]);
  if (!targetLinkUri || !onOrigin(targetLinkUri, expect.toolOrigin)) return refuse('target_link_uri_off_origin');
  const rolesClaim = payload[claim('roles')];
  const roles = Array.isArray(rolesClaim) ? rolesClaim.filter((r): r is string => typeof r === 'string') : [];
  const ctx = obj(payload[claim('context')]);
  const contextId = str(ctx?.id);
  return {
    ok: true,
    value: {
      sub,
      deploymentId,
      messageType: messageType as ValidatedLaunch['messageType'],
      resourceLinkId,
      targetLinkUri,
      roles,
      name: str(payload.name) ?? ([str(payload.given_name), str(payload.family_name)].filter(Boolean).join(' ') || null),
      email: str(payload.email),
      context: contextId ? { id: contextId, title: str(ctx?.title), label: str(ctx?.label) } : null,
      deepLinking,
      custom: customOf(payload[claim('custom')]),
    },
  };
}

/** Whether `uri` is an absolute URL on exactly `origin` (scheme, host and port), so a launch cannot redirect elsewhere. */
export function onOrigin(uri: string, origin: string): boolean {
  try {
    return new URL(uri).origin === origin;
  } catch {
    return false;
  }
}

/** The path a launch lands on (our own origin only, so no open redirect): path, query and hash of the URI. */
export function localPath(uri: string): string {
  const u = new URL(uri);
  return `${u.pathname}${u.search}${u.hash}`;
}

const MEMBERSHIP = 'http://purl.imsglobal.org/vocab/lis/v2/membership';

/**
 * The course role from LTI's role vocabulary (LTI Core 1.3 appendix A.2): Instructor and TeachingAssistant (a
 * sub-role of Instructor) make course staff, Learner a learner; staff wins when both are present. The short forms
 * older platforms send ("Instructor", "Learner") count too. Institution and system roles alone give no course role.
 */
export function courseRoleOf(roles: readonly string[]): 'staff' | 'learner' | null {
  const has = (name: string) => roles.some((r) => r === `${MEMBERSHIP}#${name}` || r === name || r.startsWith(`${MEMBERSHIP}/${name}#`));
  if (has('Instructor') || roles.some((r) => r.endsWith('#TeachingAssistant'))) return 'staff';
  if (has('Learner')) return 'learner';
  return null;
}

/** The Tutorline account role a first launch creates: learners are students, course staff are not tutors. */
export const accountRoleOf = (courseRole: 'staff' | 'learner'): 'student' | 'course_staff' => (courseRole === 'staff' ? 'course_staff' : 'student');

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Whether a platform URL is acceptable: https always; http only outside production and only on a loopback host (the
 * simulator and tests). Returns why not, or null.
 */
export function platformUrlProblem(url: string, production: boolean): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'must be an absolute URL';
  }
  if (u.username || u.password) return 'must not carry a user name or password';
  if (u.protocol === 'https:') return null;
  if (u.protocol === 'http:' && !production && (LOOPBACK_HOSTS.has(u.hostname) || u.hostname.startsWith('127.'))) return null;
  return production ? 'must use https' : 'must use https (http is allowed only on 127.0.0.1 outside production)';
}
