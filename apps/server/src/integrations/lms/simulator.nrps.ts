import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import type { LmsSimulator, PlatformSim } from './simulator';

/**
 * The simulator's Names and Role Provisioning Services 2.0 (issue #16): the course's context memberships container
 * (`application/vnd.ims.lti-nrps.v2.membershipcontainer+json`), paged with `Link: <…>; rel="next"`, behind a bearer
 * token from its OAuth2 token endpoint (client credentials with a private_key_jwt assertion checked against the
 * tool's JWKS). Tests remove people, mark them Inactive, shrink the page size or make the pages loop.
 */

export const NRPS_SCOPE = 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly';
const MEDIA_TYPE = 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json';

export interface NrpsState {
  pageSize: number;
  /** 'loop': the last page's next link points back at the first page (a broken or hostile platform). */
  pages: 'normal' | 'loop';
  /** People listed as Inactive (still in the course, no longer active in it). */
  inactive: Set<string>;
  /** Bearer tokens handed out, with their scopes and expiry (ms). */
  tokens: Map<string, { scopes: string[]; expiresAt: number }>;
  tokenRequests: number;
  pageRequests: number;
  /** Answer the token endpoint with this status instead (tests of a failing token endpoint). */
  tokenFailure: number | null;
}

const states = new WeakMap<PlatformSim, NrpsState>();
export function nrpsOf(p: PlatformSim): NrpsState {
  let s = states.get(p);
  if (!s) {
    s = { pageSize: 50, pages: 'normal', inactive: new Set(), tokens: new Map(), tokenRequests: 0, pageRequests: 0, tokenFailure: null };
    states.set(p, s);
  }
  return s;
}

/** The claim a launch carries so the tool can fetch this course's roster. */
export const nrpsClaim = (p: PlatformSim) => ({
  'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice': { context_memberships_url: `${p.url}/nrps/memberships`, service_versions: ['2.0'] },
});

/**
 * OAuth2 client credentials (1EdTech Security Framework §4.1): the tool signs an assertion with its own key; we check
 * it against the tool's JWKS (iss = sub = our client id, aud = this token URL) and issue an opaque bearer token.
 */
export async function issueServiceToken(p: PlatformSim, body: Record<string, string>, toolOrigin: string, clock: Clock): Promise<{ status: number; body: Record<string, unknown> }> {
  const s = nrpsOf(p);
  s.tokenRequests += 1;
  if (s.tokenFailure) return { status: s.tokenFailure, body: { error: s.tokenFailure === 401 ? 'invalid_client' : 'server_error' } };
  if (body.grant_type !== 'client_credentials' || body.client_assertion_type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' || !body.client_assertion) {
    return { status: 400, body: { error: 'invalid_request' } };
  }
  try {
    const res = await fetch(`${toolOrigin}/lti/jwks`, { signal: AbortSignal.timeout(5000) });
    const jwks = (await res.json()) as JSONWebKeySet;
    const { payload } = await jwtVerify(body.client_assertion, createLocalJWKSet(jwks), {
      algorithms: ['RS256'],
      issuer: p.clientId,
      subject: p.clientId,
      audience: `${p.url}/token`,
      currentDate: clock.now(),
      clockTolerance: 60,
    });
    if (!payload.jti) throw new Error('no jti');
  } catch {
    return { status: 401, body: { error: 'invalid_client' } };
  }
  const scopes = (body.scope ?? '').split(' ').filter((x) => x === NRPS_SCOPE || x.startsWith('https://purl.imsglobal.org/spec/lti-ags/scope/'));
  const token = randomBytes(24).toString('base64url');
  s.tokens.set(token, { scopes, expiresAt: clock.now().getTime() + 3_600_000 });
  return { status: 200, body: { access_token: token, token_type: 'Bearer', expires_in: 3600, scope: scopes.join(' ') } };
}

/** Mounts GET /dev/lms/:slug/nrps/memberships (loopback only, under /dev/ like the rest of the simulator). */
export async function nrpsSimulatorRoutes(fastify: FastifyInstance, opts: { clock: Clock; logger: Logger; simulator: LmsSimulator }) {
  const cfg = { config: { access: 'public' as const, allowCrossOrigin: true }, schema: { hide: true } };
  fastify.get('/dev/lms/:slug/nrps/memberships', cfg, async (request, reply: FastifyReply) => {
    const p = opts.simulator.get((request.params as { slug: string }).slug);
    if (!p) return reply.status(404).send({ error: 'no such platform' });
    const s = nrpsOf(p);
    s.pageRequests += 1;
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const granted = token ? s.tokens.get(token) : undefined;
    if (!granted || granted.expiresAt <= opts.clock.now().getTime() || !granted.scopes.includes(NRPS_SCOPE)) return reply.status(401).send({ error: 'invalid_token' });
    const page = Math.max(1, Number((request.query as { page?: string }).page ?? '1') || 1);
    const from = (page - 1) * s.pageSize;
    const slice = p.people.slice(from, from + s.pageSize);
    const last = from + s.pageSize >= p.people.length;
    const self = `${p.url}/nrps/memberships`;
    const next = !last ? `${self}?page=${page + 1}` : s.pages === 'loop' ? `${self}?page=1` : null;
    if (next) reply.header('link', `<${next}>; rel="next"`);
    opts.logger.info({ event: 'lms_sim_nrps_page', platform: p.opts.slug, page }, 'LMS simulator: roster page');
    return reply.type(MEDIA_TYPE).send({
      id: `${self}?page=${page}`,
      context: { id: p.course.id, label: p.course.label, title: p.course.title },
      members: slice.map((person) => ({
        status: s.inactive.has(person.id) ? 'Inactive' : 'Active',
        name: person.name,
        email: person.email,
        user_id: `${p.opts.slug}-${person.id}`,
        roles: person.roles,
      })),
    });
  });
}
