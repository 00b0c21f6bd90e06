import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';

/**
 * The simulator's Assignment and Grade Services 2.0 side (issue #16): an OAuth2 token endpoint taking a
 * `private_key_jwt` client assertion (RFC 7523, checked against the tool's JWKS), the line items container, line
 * items, scores and results, each checking the bearer token's scopes, and a gradebook page. Tests can make the next
 * answers of an endpoint 401, 429 or 500.
 */

export const AGS_SCOPE = {
  lineitem: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  lineitemReadonly: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly',
  score: 'https://purl.imsglobal.org/spec/lti-ags/scope/score',
  resultReadonly: 'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
} as const;
/** AGS scopes and the roster's (NRPS): one token endpoint serves every LTI Advantage service. */
const SUPPORTED_SCOPES: string[] = [...Object.values(AGS_SCOPE), 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly'];
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const PAGE_SIZE = 10;

export interface SimLineItem {
  id: string;
  label: string;
  scoreMaximum: number;
  tag?: string;
  resourceId?: string;
  resourceLinkId?: string;
}
export interface SimScore {
  userId: string;
  scoreGiven?: number;
  scoreMaximum?: number;
  activityProgress: string;
  gradingProgress: string;
  timestamp: string;
  comment?: string;
}
export type AgsTarget = 'token' | 'lineitems' | 'scores';
export interface AgsFault {
  status: 400 | 401 | 429 | 500;
  retryAfter?: string;
}

/** One platform's gradebook and service tokens (in memory, like the rest of the simulator). */
export class AgsSim {
  readonly lineItems = new Map<string, SimLineItem>();
  /** lineItemId → userId → the score the platform kept (the newest by timestamp). */
  readonly scores = new Map<string, Map<string, SimScore>>();
  readonly tokens = new Map<string, { scopes: string[]; expiresAt: number }>();
  readonly seenJti = new Map<string, number>();
  /** Every token request's verified assertion claims (tests read them), and every request the AGS endpoints saw. */
  readonly assertions: Record<string, unknown>[] = [];
  readonly assertionHeaders: Record<string, unknown>[] = [];
  readonly requests: { target: AgsTarget; status: number }[] = [];
  /** Answer the container unfiltered (some platforms ignore tag/resource_id): the tool must page through it. */
  ignoreFilters = false;
  private readonly faults: Record<AgsTarget, AgsFault[]> = { token: [], lineitems: [], scores: [] };
  private nextId = 1;

  /** The next answers of `target` are these faults, in order (then normal answers again). */
  failNext(target: AgsTarget, ...faults: AgsFault[]) {
    this.faults[target].push(...faults);
  }
  takeFault(target: AgsTarget): AgsFault | undefined {
    return this.faults[target].shift();
  }
  /** Makes every token it issued unknown (a platform restart): the tool's next call gets a 401. */
  revokeTokens() {
    this.tokens.clear();
  }
  addLineItem(item: Omit<SimLineItem, 'id'>, base: string): SimLineItem {
    const id = `${base}/lineitems/${this.nextId++}`;
    const row = { ...item, id };
    this.lineItems.set(id, row);
    return row;
  }
}

const agsOf = new WeakMap<object, AgsSim>();
/** The AGS state of a simulated platform (made on first use). */
export function agsSimOf(platform: object): AgsSim {
  let a = agsOf.get(platform);
  if (!a) agsOf.set(platform, (a = new AgsSim()));
  return a;
}

interface AgsPlatform {
  readonly url: string;
  readonly clientId: string;
  readonly opts: { slug: string };
  readonly people: { id: string; name: string; roles: string[] }[];
  readonly course: { title: string };
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export async function agsSimulatorRoutes(
  scope: FastifyInstance,
  opts: { toolOrigin: string; clock: Clock; logger: Logger; platformOf: (slug: string) => AgsPlatform | undefined; page: (title: string, body: string) => string },
) {
  const { clock, logger } = opts;
  const toolJwks = createRemoteJWKSet(new URL(`${opts.toolOrigin}/lti/jwks`), { cooldownDuration: 0 });
  scope.addContentTypeParser(/^application\/vnd\.ims\.lis\.v[12]\.[a-z]+\+json/, { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(String(body)));
    } catch {
      done(Object.assign(new Error('body is not JSON'), { statusCode: 400 }), undefined);
    }
  });
  const cfg = { config: { access: 'public' as const, allowCrossOrigin: true }, schema: { hide: true } };
  const nowMs = () => clock.now().getTime();

  function platform(request: FastifyRequest, reply: FastifyReply): { p: AgsPlatform; ags: AgsSim } | null {
    const p = opts.platformOf((request.params as { slug: string }).slug);
    if (!p) {
      void reply.status(404).send({ error: 'no such simulated platform' });
      return null;
    }
    return { p, ags: agsSimOf(p) };
  }
  /** A forced fault, answered as the endpoint would. */
  function fault(ags: AgsSim, target: AgsTarget, reply: FastifyReply): boolean {
    const f = ags.takeFault(target);
    if (!f) return false;
    ags.requests.push({ target, status: f.status });
    if (f.retryAfter) void reply.header('retry-after', f.retryAfter);
    const error = { 400: 'invalid_request', 401: 'invalid_client', 429: 'slow_down', 500: 'server_error' }[f.status];
    void reply.status(f.status).send({ error });
    return true;
  }
  /** The bearer token's scopes, or a 401/403 sent. */
  function authorize(ags: AgsSim, request: FastifyRequest, reply: FastifyReply, target: AgsTarget, anyOf: string[]): boolean {
    if (fault(ags, target, reply)) return false;
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const t = token ? ags.tokens.get(token) : undefined;
    if (!t || t.expiresAt <= nowMs()) {
      ags.requests.push({ target, status: 401 });
      void reply.status(401).header('www-authenticate', 'Bearer error="invalid_token"').send({ error: 'invalid_token' });
      return false;
    }
    if (!anyOf.some((s) => t.scopes.includes(s))) {
      ags.requests.push({ target, status: 403 });
      void reply.status(403).send({ error: 'insufficient_scope' });
      return false;
    }
    ags.requests.push({ target, status: 200 });
    return true;
  }

  // RFC 6749 client credentials with an RFC 7523 private_key_jwt client assertion (1EdTech Security Framework §4.1).
  scope.post('/dev/lms/:slug/token', cfg, async (request, reply) => {
    const found = platform(request, reply);
    if (!found) return reply;
    const { p, ags } = found;
    if (fault(ags, 'token', reply)) return reply;
    const body = (request.body ?? {}) as Record<string, string | undefined>;
    const refuse = (error: string, why: string) => {
      logger.warn({ event: 'lms_sim_token_refused', platform: p.opts.slug, error, why }, 'LMS simulator: token request refused');
      ags.requests.push({ target: 'token', status: error === 'invalid_client' ? 401 : 400 });
      return reply.status(error === 'invalid_client' ? 401 : 400).send({ error, error_description: why });
    };
    if (body.grant_type !== 'client_credentials') return refuse('unsupported_grant_type', 'grant_type must be client_credentials');
    if (body.client_assertion_type !== ASSERTION_TYPE || !body.client_assertion) return refuse('invalid_client', 'a jwt-bearer client_assertion is required');
    let claims: Record<string, unknown>;
    let header: Record<string, unknown>;
    try {
      const verified = await jwtVerify(body.client_assertion, toolJwks, { algorithms: ['RS256'], issuer: p.clientId, subject: p.clientId, audience: `${p.url}/token`, requiredClaims: ['exp', 'iat', 'jti'], currentDate: clock.now(), clockTolerance: 5 });
      claims = verified.payload as Record<string, unknown>;
      header = verified.protectedHeader as Record<string, unknown>;
    } catch (err) {
      return refuse('invalid_client', `client_assertion: ${(err as Error).message}`);
    }
    const jti = String(claims.jti);
    for (const [k, exp] of ags.seenJti) if (exp * 1000 < nowMs()) ags.seenJti.delete(k);
    if (ags.seenJti.has(jti)) return refuse('invalid_client', 'client_assertion jti replayed');
    ags.seenJti.set(jti, Number(claims.exp));
    const scopes = (body.scope ?? '').split(' ').filter((s) => SUPPORTED_SCOPES.includes(s));
    if (!scopes.length) return refuse('invalid_scope', 'no supported scope requested');
    ags.assertions.push(claims);
    ags.assertionHeaders.push(header);
    const accessToken = randomBytes(24).toString('base64url');
    ags.tokens.set(accessToken, { scopes, expiresAt: nowMs() + 3600_000 });
    ags.requests.push({ target: 'token', status: 200 });
    logger.info({ event: 'lms_sim_token_issued', platform: p.opts.slug, scopes }, 'LMS simulator: service token issued');
    return reply.send({ access_token: accessToken, token_type: 'Bearer', expires_in: 3600, scope: scopes.join(' ') });
  });

  // The line items container: GET with filters and paging (Link rel="next"), POST to add one.
  scope.get('/dev/lms/:slug/lineitems', cfg, async (request, reply) => {
    const found = platform(request, reply);
    if (!found || !authorize(found.ags, request, reply, 'lineitems', [AGS_SCOPE.lineitem, AGS_SCOPE.lineitemReadonly])) return reply;
    const q = request.query as Record<string, string | undefined>;
    const all = [...found.ags.lineItems.values()].filter(
      (li) => found.ags.ignoreFilters || ((!q.tag || li.tag === q.tag) && (!q.resource_id || li.resourceId === q.resource_id) && (!q.resource_link_id || li.resourceLinkId === q.resource_link_id)),
    );
    const limit = Math.min(Number(q.limit) || PAGE_SIZE, PAGE_SIZE);
    const page = Math.max(Number(q.page) || 1, 1);
    const items = all.slice((page - 1) * limit, page * limit);
    if (page * limit < all.length) {
      const next = new URLSearchParams({ ...(Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)) as Record<string, string>), page: String(page + 1), limit: String(limit) });
      void reply.header('link', `<${found.p.url}/lineitems?${next.toString()}>; rel="next"`);
    }
    return reply.type('application/vnd.ims.lis.v2.lineitemcontainer+json').send(JSON.stringify(items));
  });

  scope.post('/dev/lms/:slug/lineitems', cfg, async (request, reply) => {
    const found = platform(request, reply);
    if (!found || !authorize(found.ags, request, reply, 'lineitems', [AGS_SCOPE.lineitem])) return reply;
    const b = (request.body ?? {}) as Partial<SimLineItem>;
    if (typeof b.label !== 'string' || !b.label || typeof b.scoreMaximum !== 'number' || !(b.scoreMaximum > 0)) return reply.status(400).send({ error: 'label and a positive scoreMaximum are required' });
    const item = found.ags.addLineItem(
      { label: b.label, scoreMaximum: b.scoreMaximum, ...(b.tag ? { tag: b.tag } : {}), ...(b.resourceId ? { resourceId: b.resourceId } : {}), ...(b.resourceLinkId ? { resourceLinkId: b.resourceLinkId } : {}) },
      found.p.url,
    );
    logger.info({ event: 'lms_sim_line_item_created', platform: found.p.opts.slug, lineItem: item.id, tag: item.tag ?? null }, 'LMS simulator: line item created');
    return reply.status(201).type('application/vnd.ims.lis.v2.lineitem+json').send(JSON.stringify(item));
  });

  const lineItemOf = (request: FastifyRequest, found: { p: AgsPlatform; ags: AgsSim }) => found.ags.lineItems.get(`${found.p.url}/lineitems/${(request.params as { id: string }).id}`);

  scope.get('/dev/lms/:slug/lineitems/:id', cfg, async (request, reply) => {
    const found = platform(request, reply);
    if (!found || !authorize(found.ags, request, reply, 'lineitems', [AGS_SCOPE.lineitem, AGS_SCOPE.lineitemReadonly])) return reply;
    const item = lineItemOf(request, found);
    return item ? reply.type('application/vnd.ims.lis.v2.lineitem+json').send(JSON.stringify(item)) : reply.status(404).send({ error: 'no such line item' });
  });

  // Scores (AGS 2.0 §3.4): a newer timestamp replaces the result; an older one is refused with 409 and changes nothing.
  scope.post('/dev/lms/:slug/lineitems/:id/scores', cfg, async (request, reply) => {
    const found = platform(request, reply);
    if (!found || !authorize(found.ags, request, reply, 'scores', [AGS_SCOPE.score])) return reply;
    if (!(request.headers['content-type'] ?? '').startsWith('application/vnd.ims.lis.v1.score+json')) return reply.status(415).send({ error: 'scores are application/vnd.ims.lis.v1.score+json' });
    const item = lineItemOf(request, found);
    if (!item) return reply.status(404).send({ error: 'no such line item' });
    const s = (request.body ?? {}) as Partial<SimScore>;
    const problems = [
      typeof s.userId !== 'string' && 'userId',
      (typeof s.timestamp !== 'string' || Number.isNaN(Date.parse(s.timestamp))) && 'timestamp',
      typeof s.activityProgress !== 'string' && 'activityProgress',
      typeof s.gradingProgress !== 'string' && 'gradingProgress',
      s.scoreGiven !== undefined && (typeof s.scoreGiven !== 'number' || s.scoreGiven < 0 || typeof s.scoreMaximum !== 'number' || !(s.scoreMaximum > 0)) && 'scoreGiven/scoreMaximum',
    ].filter(Boolean);
    if (problems.length) return reply.status(400).send({ error: `bad score: ${problems.join(', ')}` });
    const byUser = found.ags.scores.get(item.id) ?? new Map<string, SimScore>();
    found.ags.scores.set(item.id, byUser);
    const before = byUser.get(s.userId!);
    if (before && Date.parse(before.timestamp) >= Date.parse(s.timestamp!)) return reply.status(409).send({ error: 'a score with a later timestamp is already recorded' });
    byUser.set(s.userId!, s as SimScore);
    logger.info({ event: 'lms_sim_score_recorded', platform: found.p.opts.slug, lineItem: item.id, userId: s.userId, scoreGiven: s.scoreGiven ?? null }, 'LMS simulator: score recorded');
    return reply.status(200).send();
  });

  scope.get('/dev/lms/:slug/lineitems/:id/results', cfg, async (request, reply) => {
    const found = platform(request, reply);
    if (!found || !authorize(found.ags, request, reply, 'lineitems', [AGS_SCOPE.resultReadonly])) return reply;
    const item = lineItemOf(request, found);
    if (!item) return reply.status(404).send({ error: 'no such line item' });
    const results = [...(found.ags.scores.get(item.id)?.values() ?? [])].map((s) => ({
      id: `${item.id}/results/${encodeURIComponent(s.userId)}`,
      scoreOf: item.id,
      userId: s.userId,
      resultScore: s.scoreGiven,
      resultMaximum: s.scoreMaximum,
      comment: s.comment,
    }));
    return reply.type('application/vnd.ims.lis.v2.resultcontainer+json').send(JSON.stringify(results));
  });

  // The gradebook a teacher sees: one row per learner, one column per line item.
  scope.get('/dev/lms/:slug/gradebook', cfg, async (request, reply) => {
    const p = opts.platformOf((request.params as { slug: string }).slug);
    if (!p) return reply.status(404).type('text/html').send(opts.page('Not found', '<h1>No such simulated platform</h1>'));
    const ags = agsSimOf(p);
    const items = [...ags.lineItems.values()];
    const learners = p.people.filter((person) => person.roles.some((r) => r.endsWith('#Learner')));
    // One card per learner (a phone-width page has no room for a wide table): each grade column as a line.
    const cell = (item: SimLineItem, sub: string) => {
      const s = ags.scores.get(item.id)?.get(sub);
      const value = s ? (s.scoreGiven === undefined ? s.activityProgress : `${s.scoreGiven} / ${s.scoreMaximum}`) : '–';
      return `<div class="grade" data-line-item="${escape(item.tag ?? item.id)}"${s ? ` data-score="${escape(`${s.scoreGiven ?? ''}`)}"` : ''}><span>${escape(item.label)}</span><strong>${escape(value)}</strong></div>${s?.comment ? `<p class="role">${escape(s.comment)}</p>` : ''}`;
    };
    const cards = learners
      .map((l) => `<section class="card" data-learner="${escape(l.id)}"><h2 style="font-size:1rem;margin:.2rem 0 .5rem">${escape(l.name)}</h2>${items.map((i) => cell(i, `${p.opts.slug}-${l.id}`)).join('')}</section>`)
      .join('');
    const table = items.length ? `<style>.grade{display:flex;justify-content:space-between;gap:1rem;padding:.35rem 0;border-top:1px solid #e3e6ea}.grade strong{white-space:nowrap}.grade+p.role{margin:0 0 .3rem}</style>${cards}` : '<section class="card"><p>No grade columns yet: Tutorline adds one when a learner first completes something.</p></section>';
    return reply
      .type('text/html')
      .send(opts.page(`Gradebook · ${p.course.title}`, `<header><h1>Gradebook · ${escape(p.course.title)}</h1></header>${table}<p><a href="/dev/lms">Back to the course</a></p>`));
  });
}
