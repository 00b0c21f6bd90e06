import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import type { LmsSimulator, PlatformSim } from './simulator';
import { agsSimOf } from './simulator.ags';

/**
 * The simulator's Names and Role Provisioning Services 2.0 (issue #16): the course's context memberships container
 * (`application/vnd.ims.lti-nrps.v2.membershipcontainer+json`), paged with `Link: <…>; rel="next"`, behind a bearer
 * token from the platform's one OAuth2 token endpoint (simulator.ags.ts: client credentials with a private_key_jwt
 * assertion checked against the tool's JWKS). Tests remove people, mark them Inactive, shrink the page size or make the pages loop.
 */

export const NRPS_SCOPE = 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly';
const MEDIA_TYPE = 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json';

export interface NrpsState {
  pageSize: number;
  /** 'loop': the last page's next link points back at the first page (a broken or hostile platform). */
  pages: 'normal' | 'loop';
  /** People listed as Inactive (still in the course, no longer active in it). */
  inactive: Set<string>;
  pageRequests: number;
}

const states = new WeakMap<PlatformSim, NrpsState>();
export function nrpsOf(p: PlatformSim): NrpsState {
  let s = states.get(p);
  if (!s) {
    s = { pageSize: 50, pages: 'normal', inactive: new Set(), pageRequests: 0 };
    states.set(p, s);
  }
  return s;
}

/** The claim a launch carries so the tool can fetch this course's roster. */
export const nrpsClaim = (p: PlatformSim) => ({
  'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice': { context_memberships_url: `${p.url}/nrps/memberships`, service_versions: ['2.0'] },
});

/** Mounts GET /dev/lms/:slug/nrps/memberships (loopback only, under /dev/ like the rest of the simulator). */
export async function nrpsSimulatorRoutes(fastify: FastifyInstance, opts: { clock: Clock; logger: Logger; simulator: LmsSimulator }) {
  const cfg = { config: { access: 'public' as const, allowCrossOrigin: true }, schema: { hide: true } };
  fastify.get('/dev/lms/:slug/nrps/memberships', cfg, async (request, reply: FastifyReply) => {
    const p = opts.simulator.get((request.params as { slug: string }).slug);
    if (!p) return reply.status(404).send({ error: 'no such platform' });
    const s = nrpsOf(p);
    s.pageRequests += 1;
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    // Tokens come from the platform's one token endpoint (simulator.ags.ts).
    const granted = token ? agsSimOf(p).tokens.get(token) : undefined;
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
