import { generateKeyPair, randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { exportJWK, type JWK, SignJWT } from 'jose';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import { AGS_SCOPE, agsSimulatorRoutes } from './simulator.ags';
import { deepLinkClaims, deepLinkSection, type PlacedSimItem, simulatorDeepLinkRoutes } from './simulator.deeplink';
import { nrpsClaim, nrpsSimulatorRoutes } from './simulator.nrps';

/**
 * An LTI 1.3 platform inside the server, for development and tests (issue #16): its own RS256 keys, an OIDC
 * authorization endpoint that answers our /lti/login redirect with a signed id_token posted back to /lti/launch,
 * its JWKS, an OpenID configuration and registration endpoint for Dynamic Registration, and a course with a teacher
 * and students. It speaks only HTTP to the tool, like a real LMS. It can also sign deliberately bad tokens.
 * Later work (AGS line items and scores, NRPS, deep linking) adds routes under the same /dev/lms/:platform prefix and
 * uses `PlatformSim.sign` and the course's people below.
 */

export type Dialect = 'canvas' | 'moodle' | 'blackboard' | 'generic';

/** Ways to spoil a token (tests): each breaks exactly one thing the tool must check. */
export const tampers = [
  'alg_none',
  'hs256_public_key',
  'rs512',
  'unknown_kid',
  'wrong_iss',
  'wrong_aud',
  'wrong_azp',
  'expired',
  'future_iat',
  'old_iat',
  'nonce_missing',
  'nonce_mismatch',
  'unknown_deployment',
  'wrong_version',
  'wrong_message_type',
  'no_resource_link',
  'target_off_origin',
] as const;
export type Tamper = (typeof tampers)[number];

export interface SimPerson {
  id: string;
  name: string;
  email: string;
  roles: string[];
}

const MEMBERSHIP = 'http://purl.imsglobal.org/vocab/lis/v2/membership';
export const defaultPeople: SimPerson[] = [
  { id: 'teacher-1', name: 'Ms Teacher Rao', email: 'teacher.rao@school.example', roles: [`${MEMBERSHIP}#Instructor`] },
  { id: 'ta-1', name: 'Tom Assistant', email: 'tom.ta@school.example', roles: [`${MEMBERSHIP}/Instructor#TeachingAssistant`] },
  { id: 'student-1', name: 'Asha Learner', email: 'asha@school.example', roles: [`${MEMBERSHIP}#Learner`] },
  { id: 'student-2', name: 'Ben Learner', email: 'ben@school.example', roles: [`${MEMBERSHIP}#Learner`] },
  { id: 'student-3', name: 'Chen Learner', email: 'chen@school.example', roles: [`${MEMBERSHIP}#Learner`] },
];

export interface PlatformOptions {
  slug: string;
  dialect: Dialect;
  /** Defaults: Canvas's one issuer, Moodle's site URL, Blackboard's one issuer. */
  issuer?: string;
  clientId?: string;
  deploymentId?: string;
  course?: { id: string; title: string; label: string };
}

interface Key {
  kid: string;
  privateKey: CryptoKeyLike;
  publicJwk: JWK;
  pem: string;
}
type CryptoKeyLike = import('node:crypto').KeyObject;
const generateRsa = promisify(generateKeyPair);

async function makeKey(): Promise<Key> {
  const { privateKey, publicKey } = await generateRsa('rsa', { modulusLength: 2048 });
  const kid = `sim-${randomUUID()}`;
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }, pem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** The hint the platform round-trips through our login (opaque to the tool): who launches, and what to spoil. */
export interface MessageHint {
  person: string;
  tamper?: Tamper | undefined;
  resourceLinkId?: string | undefined;
  /** A deep-linking request (LtiDeepLinkingRequest) instead of a resource link launch. */
  deepLink?: boolean | undefined;
  /** The custom claim of a placed item's launch. */
  custom?: Record<string, string> | undefined;
}
export const encodeHint = (h: MessageHint) => b64(h);
export function decodeHint(s: string | undefined): MessageHint | null {
  if (!s) return null;
  try {
    const h = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as MessageHint;
    return typeof h.person === 'string' ? h : null;
  } catch {
    return null;
  }
}

export class PlatformSim {
  readonly issuer: string;
  readonly clientId: string;
  /** Mutable: Blackboard-style tests launch one platform under several deployments (tenants). */
  deploymentId: string;
  readonly course: { id: string; title: string; label: string };
  readonly people: SimPerson[] = defaultPeople.map((p) => ({ ...p }));
  /** Published keys, newest last; the last one signs. */
  keys: Key[] = [];
  jwksFetches = 0;
  /** Registration tokens this platform handed out (Dynamic Registration), and what the tool registered with them. */
  readonly registrationTokens = new Set<string>();
  readonly toolRegistrations: Record<string, unknown>[] = [];
  /** Items the tool placed in the course by deep linking (simulator.deeplink.ts), and the `data` values we sent. */
  readonly placedItems: PlacedSimItem[] = [];
  readonly deepLinkData = new Set<string>();

  constructor(
    readonly base: string,
    readonly opts: PlatformOptions,
    private readonly clock: Clock,
  ) {
    const site = `${base}/dev/lms/${opts.slug}`;
    const defaults: Record<Dialect, string> = { canvas: 'https://canvas.instructure.com', moodle: site, blackboard: 'https://blackboard.com', generic: site };
    this.issuer = opts.issuer ?? defaults[opts.dialect];
    this.clientId = opts.clientId ?? `${opts.dialect}-client-${opts.slug}`;
    this.deploymentId = opts.deploymentId ?? `${opts.slug}-deployment-1`;
    this.course = opts.course ?? { id: `course-${opts.slug}-101`, title: 'Year 9 Mathematics', label: 'MATH9' };
  }

  get url() {
    return `${this.base}/dev/lms/${this.opts.slug}`;
  }

  async init() {
    await this.rotateKeys();
    return this;
  }

  /** A new signing key, published beside the old ones (a platform rotating its keys). */
  async rotateKeys(dropOld = false): Promise<string> {
    const key = await makeKey();
    this.keys = dropOld ? [key] : [...this.keys, key];
    return key.kid;
  }

  jwks() {
    this.jwksFetches += 1;
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  /** The registration an admin types into Tutorline for this platform (the body of POST /api/admin/lti/registrations). */
  registrationBody(name = `${this.opts.dialect} simulator (${this.opts.slug})`) {
    return {
      name,
      issuer: this.issuer,
      clientId: this.clientId,
      deploymentIds: [this.deploymentId],
      authLoginUrl: `${this.url}/auth`,
      accessTokenUrl: `${this.url}/token`,
      keysetUrl: `${this.url}/jwks`,
    };
  }

  /** The login initiation request the platform sends the tool (LTI Core §4.1), in this LMS's dialect. */
  loginParams(toolOrigin: string, person: string, extra: { tamper?: Tamper; targetLinkUri?: string; deepLink?: boolean; custom?: Record<string, string>; resourceLinkId?: string } = {}): Record<string, string> {
    const params: Record<string, string> = {
      iss: this.issuer,
      login_hint: person,
      target_link_uri: extra.targetLinkUri ?? `${toolOrigin}/lti/launch`,
      lti_message_hint: encodeHint({ person, tamper: extra.tamper, deepLink: extra.deepLink, custom: extra.custom, resourceLinkId: extra.resourceLinkId }),
      client_id: this.clientId,
    };
    // Canvas names the deployment in the login; Blackboard and Moodle leave it to the id_token.
    if (this.opts.dialect === 'canvas') params.lti_deployment_id = this.deploymentId;
    return params;
  }

  /** The id_token for an authorization request, spoiled as `tamper` says. */
  async idToken(auth: { nonce: string | undefined; redirectUri: string; person: string; tamper?: Tamper | undefined; resourceLinkId?: string | undefined; deepLink?: boolean | undefined; custom?: Record<string, string> | undefined }): Promise<string> {
    const person = this.people.find((p) => p.id === auth.person) ?? this.people[0]!;
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const tamper = auth.tamper;
    const toolOrigin = new URL(auth.redirectUri).origin;
    const claims: Record<string, unknown> = {
      iss: tamper === 'wrong_iss' ? 'https://other-lms.example' : this.issuer,
      sub: `${this.opts.slug}-${person.id}`,
      aud: tamper === 'wrong_aud' ? 'someone-else' : tamper === 'wrong_azp' ? [this.clientId, 'someone-else'] : this.clientId,
      ...(tamper === 'wrong_azp' ? { azp: 'someone-else' } : {}),
      iat: tamper === 'future_iat' ? now + 600 : tamper === 'old_iat' ? now - 3600 : tamper === 'expired' ? now - 600 : now,
      exp: tamper === 'expired' ? now - 300 : now + 300,
      ...(tamper === 'nonce_missing' ? {} : { nonce: tamper === 'nonce_mismatch' ? randomBytes(16).toString('base64url') : auth.nonce }),
      name: person.name,
      email: person.email,
      'https://purl.imsglobal.org/spec/lti/claim/deployment_id': tamper === 'unknown_deployment' ? 'deployment-nobody-registered' : this.deploymentId,
      'https://purl.imsglobal.org/spec/lti/claim/message_type': tamper === 'wrong_message_type' ? 'LtiSomethingElseRequest' : 'LtiResourceLinkRequest',
      'https://purl.imsglobal.org/spec/lti/claim/version': tamper === 'wrong_version' ? '1.1.0' : '1.3.0',
      'https://purl.imsglobal.org/spec/lti/claim/target_link_uri': tamper === 'target_off_origin' ? 'https://evil.example/steal' : `${toolOrigin}/lti/launch`,
      'https://purl.imsglobal.org/spec/lti/claim/roles': person.roles,
      'https://purl.imsglobal.org/spec/lti/claim/context': { id: this.course.id, title: this.course.title, label: this.course.label, type: ['http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering'] },
      'https://purl.imsglobal.org/spec/lti/claim/tool_platform': { guid: `${this.opts.slug}-guid`, name: `Simulated ${this.opts.dialect}`, product_family_code: this.opts.dialect },
      ...(tamper === 'no_resource_link' ? {} : { 'https://purl.imsglobal.org/spec/lti/claim/resource_link': { id: auth.resourceLinkId ?? `${this.opts.slug}-link-1`, title: 'Tutorline' } }),
      'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint': { scope: Object.values(AGS_SCOPE), lineitems: `${this.url}/lineitems` },
      ...nrpsClaim(this),
      ...(this.opts.dialect === 'canvas'
        ? { 'https://purl.imsglobal.org/spec/lti/claim/custom': { canvas_course_id: '101' }, 'https://canvas.instructure.com/lti/user_id': person.id }
        : {}),
    };
    if (auth.custom) claims['https://purl.imsglobal.org/spec/lti/claim/custom'] = { ...(claims['https://purl.imsglobal.org/spec/lti/claim/custom'] as object | undefined), ...auth.custom };
    if (auth.deepLink) Object.assign(claims, deepLinkClaims(this, toolOrigin, tamper));
    return this.sign(claims, tamper);
  }

  /** Signs any claims with the current key (AGS and deep linking will use this too), or spoils the signature. */
  async sign(claims: Record<string, unknown>, tamper?: Tamper): Promise<string> {
    const key = this.keys[this.keys.length - 1]!;
    if (tamper === 'alg_none') return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    if (tamper === 'hs256_public_key') {
      // The classic confusion attack: HMAC keyed with the platform's *public* key, which anyone can fetch.
      return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: key.kid, typ: 'JWT' }).sign(new TextEncoder().encode(key.pem));
    }
    if (tamper === 'unknown_kid') {
      const rogue = await makeKey();
      return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: rogue.kid, typ: 'JWT' }).sign(rogue.privateKey);
    }
    const alg = tamper === 'rs512' ? 'RS512' : 'RS256';
    return new SignJWT(claims).setProtectedHeader({ alg, kid: key.kid, typ: 'JWT' }).sign(key.privateKey);
  }

  openidConfiguration() {
    return {
      issuer: this.issuer,
      authorization_endpoint: `${this.url}/auth`,
      token_endpoint: `${this.url}/token`,
      jwks_uri: `${this.url}/jwks`,
      registration_endpoint: `${this.url}/register`,
      scopes_supported: ['openid'],
      response_types_supported: ['id_token'],
      id_token_signing_alg_values_supported: ['RS256'],
      claims_supported: ['sub', 'iss', 'name', 'email'],
      'https://purl.imsglobal.org/spec/lti-platform-configuration': { product_family_code: this.opts.dialect, version: 'simulator', messages_supported: [{ type: 'LtiResourceLinkRequest' }] },
    };
  }

  /** A registration_token for Dynamic Registration, and the URL the admin opens in the tool. */
  startDynamicRegistration(toolOrigin: string): string {
    const token = randomBytes(24).toString('base64url');
    this.registrationTokens.add(token);
    const q = new URLSearchParams({ openid_configuration: `${this.url}/.well-known/openid-configuration`, registration_token: token });
    return `${toolOrigin}/lti/register?${q.toString()}`;
  }
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escape(title)}</title><style>
body{font-family:system-ui,sans-serif;margin:0;padding:1rem;max-width:36rem;margin-inline:auto;line-height:1.4;background:#f6f7f9}
header{background:#2d3b45;color:#fff;padding:.8rem 1rem;border-radius:.5rem}h1{font-size:1.15rem;margin:0}
.card{background:#fff;border-radius:.5rem;padding:.8rem 1rem;margin:.8rem 0;box-shadow:0 1px 2px #0002}
button{padding:.6rem .9rem;margin:.2rem 0;border:0;border-radius:.4rem;background:#0b5cad;color:#fff;font-size:.95rem;cursor:pointer;width:100%}
.role{color:#555;font-size:.85rem}ul{list-style:none;padding:0}li{margin:.5rem 0}
</style></head><body>${body}</body></html>`;
}

/** A form the browser submits by itself (autosubmit.js: the page policy allows no inline script), with a button as fallback. */
function autoPost(action: string, fields: Record<string, string>, label: string): string {
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v)}">`)
    .join('');
  return page(label, `<form method="post" action="${escape(action)}" data-autosubmit>${inputs}<button type="submit">${escape(label)}</button></form><script src="/dev/lms/autosubmit.js"></script>`);
}

export interface LmsSimulator {
  platforms: Map<string, PlatformSim>;
  add(opts: PlatformOptions): Promise<PlatformSim>;
  get(slug: string): PlatformSim | undefined;
}

/**
 * Mounts /dev/lms (loopback only, by the /dev/ prefix rule of decision 017). `base` is this server's public URL;
 * `toolOrigin` is where the tool's /lti endpoints are (the same server).
 */
export async function lmsSimulatorRoutes(fastify: FastifyInstance, opts: { base: string; toolOrigin: string; clock: Clock; logger: Logger; simulator: LmsSimulator }) {
  const { simulator, toolOrigin } = opts;
  const sim = (slug: string) => simulator.get(slug);
  const notFound = (reply: import('fastify').FastifyReply) => reply.status(404).type('text/html').send(page('Not found', '<h1>No such simulated platform</h1>'));

  await fastify.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))));
    const cfg = { config: { access: 'public' as const, allowCrossOrigin: true }, schema: { hide: true } };

    scope.get('/dev/lms/autosubmit.js', cfg, async (_req, reply) =>
      reply.type('text/javascript').send("document.querySelectorAll('form[data-autosubmit]').forEach(function (f) { f.submit(); });\n"),
    );

    // The course page: one click launches as the teacher or a student through the real OIDC flow.
    scope.get('/dev/lms', cfg, async (_req, reply) => {
      const cards = [...simulator.platforms.values()]
        .map(
          (p) => `<section class="card" data-platform="${escape(p.opts.slug)}"><h2>${escape(p.course.title)} <span class="role">(${escape(p.opts.dialect)} · ${escape(p.opts.slug)})</span></h2>
<p class="role">Issuer ${escape(p.issuer)} · client ${escape(p.clientId)} · deployment ${escape(p.deploymentId)}</p>${deepLinkSection(p)}<ul>${p.people
            .map(
              (person) =>
                `<li><form method="post" action="/dev/lms/${escape(p.opts.slug)}/launch"><input type="hidden" name="person" value="${escape(person.id)}"><button type="submit" data-testid="lms-launch-${escape(p.opts.slug)}-${escape(person.id)}">Open Tutorline as ${escape(person.name)}</button></form><span class="role">${escape(person.roles.map((r) => r.split('#')[1]).join(', '))}</span></li>`,
            )
            .join('')}</ul><a href="/dev/lms/${escape(p.opts.slug)}/gradebook" data-testid="lms-gradebook-${escape(p.opts.slug)}">Gradebook</a></section>`,
        )
        .join('');
      return reply.type('text/html').send(page('LMS simulator', `<header><h1>LMS simulator</h1></header><p>A pretend Canvas, Moodle or Blackboard course. Each button runs a real LTI 1.3 launch into Tutorline.</p>${cards}`));
    });

    // Launch: the platform starts the tool's OIDC login (a form post to /lti/login, as Canvas does).
    scope.post('/dev/lms/:slug/launch', cfg, async (request, reply) => {
      const p = sim((request.params as { slug: string }).slug);
      if (!p) return notFound(reply);
      const body = (request.body ?? {}) as Record<string, string>;
      const tamper = tampers.includes(body.tamper as Tamper) ? (body.tamper as Tamper) : undefined;
      return reply.type('text/html').send(autoPost(`${toolOrigin}/lti/login`, p.loginParams(toolOrigin, body.person ?? 'student-1', tamper ? { tamper } : {}), 'Continue to Tutorline'));
    });

    // The OIDC authorization endpoint: checks the tool's request, then form_posts the id_token to its redirect_uri.
    scope.get('/dev/lms/:slug/auth', cfg, async (request, reply) => {
      const p = sim((request.params as { slug: string }).slug);
      if (!p) return notFound(reply);
      const q = request.query as Record<string, string | undefined>;
      const problems = [
        q.scope !== 'openid' && 'scope',
        q.response_type !== 'id_token' && 'response_type',
        q.response_mode !== 'form_post' && 'response_mode',
        q.prompt !== 'none' && 'prompt',
        q.client_id !== p.clientId && 'client_id',
        !q.redirect_uri?.startsWith(`${toolOrigin}/`) && 'redirect_uri',
        !q.state && 'state',
        !q.nonce && 'nonce',
      ].filter(Boolean);
      if (problems.length) return reply.status(400).type('text/html').send(page('Bad authorization request', `<h1>Bad authorization request</h1><p data-problems="${escape(problems.join(','))}">${escape(problems.join(', '))}</p>`));
      const hint = decodeHint(q.lti_message_hint) ?? { person: q.login_hint ?? 'student-1' };
      const idToken = await p.idToken({ nonce: q.nonce, redirectUri: q.redirect_uri!, person: hint.person, tamper: hint.tamper, resourceLinkId: hint.resourceLinkId, deepLink: hint.deepLink, custom: hint.custom });
      return reply.type('text/html').send(autoPost(q.redirect_uri!, { id_token: idToken, state: q.state! }, 'Continue'));
    });

    scope.get('/dev/lms/:slug/jwks', cfg, async (request, reply) => {
      const p = sim((request.params as { slug: string }).slug);
      return p ? p.jwks() : notFound(reply);
    });

    scope.get('/dev/lms/:slug/.well-known/openid-configuration', cfg, async (request, reply) => {
      const p = sim((request.params as { slug: string }).slug);
      return p ? p.openidConfiguration() : notFound(reply);
    });

    // Dynamic Registration's registration endpoint: the bearer registration_token, used once, gives a client id.
    scope.post('/dev/lms/:slug/register', cfg, async (request, reply) => {
      const p = sim((request.params as { slug: string }).slug);
      if (!p) return notFound(reply);
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      if (!token || !p.registrationTokens.delete(token)) return reply.status(401).send({ error: 'invalid_token' });
      const body = (request.body ?? {}) as Record<string, unknown>;
      p.toolRegistrations.push(body);
      opts.logger.info({ event: 'lms_sim_tool_registered', platform: p.opts.slug }, 'LMS simulator: tool registered');
      return reply.send({ ...body, client_id: p.clientId, 'https://purl.imsglobal.org/spec/lti-tool-configuration': { ...(body['https://purl.imsglobal.org/spec/lti-tool-configuration'] as object), deployment_id: p.deploymentId } });
    });

    // The token endpoint (client credentials, private_key_jwt), AGS line items, scores and results, and the gradebook.
    await scope.register(agsSimulatorRoutes, { toolOrigin, clock: opts.clock, logger: opts.logger, platformOf: sim, page });
    await simulatorDeepLinkRoutes(scope, { toolOrigin, logger: opts.logger, simulator, page, autoPost });
    // Rosters (NRPS 2.0), read with a token from the same endpoint.
    await nrpsSimulatorRoutes(scope, opts);
  });
}

/** The simulator's platforms (in memory: keys are made at start, so a restart is a platform rotating its keys). */
export function createLmsSimulator(base: string, clock: Clock): LmsSimulator {
  const platforms = new Map<string, PlatformSim>();
  return {
    platforms,
    async add(o) {
      const p = await new PlatformSim(base, o, clock).init();
      platforms.set(o.slug, p);
      return p;
    },
    get: (slug) => platforms.get(slug),
  };
}
