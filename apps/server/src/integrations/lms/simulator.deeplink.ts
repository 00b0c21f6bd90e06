import type { FastifyInstance, FastifyReply } from 'fastify';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { Logger } from '../../platform/logger';
import { randomBytes } from 'node:crypto';
import type { LmsSimulator, PlatformSim, Tamper } from './simulator';

/**
 * The simulator's side of Deep Linking 2.0 (issue #16): the teacher's "Add Tutorline content" runs a real
 * LtiDeepLinkingRequest launch; the return URL checks the tool's signed LtiDeepLinkingResponse like a platform does
 * (the tool's JWKS, iss = our client id, aud, deployment, the data we sent, once) and puts its items in the course;
 * each placed item is a resource link a student opens with a real launch carrying the item's custom parameters.
 */

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const DL = 'https://purl.imsglobal.org/spec/lti-dl/claim/';
const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';

export interface PlacedSimItem {
  title: string;
  url: string;
  custom: Record<string, string>;
  lineItem: Record<string, unknown> | null;
  resourceLinkId: string;
}

/** A deep-linking request's own claims (Deep Linking 2.0 §4.4): no resource link, settings with a fresh `data`. */
export function deepLinkClaims(p: PlatformSim, toolOrigin: string, tamper?: Tamper): Record<string, unknown> {
  const data = randomBytes(12).toString('base64url');
  p.deepLinkData.add(data);
  return {
    [`${LTI}message_type`]: tamper === 'wrong_message_type' ? 'LtiSomethingElseRequest' : 'LtiDeepLinkingRequest',
    [`${LTI}resource_link`]: undefined,
    [`${LTI}target_link_uri`]: `${toolOrigin}/lti/launch`,
    [`${DL}deep_linking_settings`]: {
      deep_link_return_url: `${p.url}/deeplink/return`,
      accept_types: ['ltiResourceLink'],
      accept_presentation_document_targets: ['iframe', 'window'],
      accept_multiple: true,
      auto_create: true,
      data,
    },
  };
}

/** The audience a platform of this dialect accepts on a deep-link response. */
export const expectedDeepLinkAudience = (p: PlatformSim) => (p.opts.dialect === 'blackboard' ? 'https://blackboard.com' : p.issuer);

/** The course page's deep-linking part: the teacher's button and the placed items, each with a button per learner. */
export function deepLinkSection(p: PlatformSim): string {
  const slug = escape(p.opts.slug);
  const staff = p.people.filter((x) => x.roles.some((r) => r.endsWith('#Instructor')));
  const learners = p.people.filter((x) => x.roles.some((r) => r.endsWith('#Learner')));
  const addButtons = staff
    .map((t) => `<form method="post" action="/dev/lms/${slug}/deeplink"><input type="hidden" name="person" value="${escape(t.id)}"><button type="submit" data-testid="lms-deeplink-${slug}-${escape(t.id)}">Add Tutorline content as ${escape(t.name)}</button></form>`)
    .join('');
  const items = p.placedItems
    .map(
      (item, n) => `<li data-item="${n}"><strong>${escape(item.title)}</strong>${item.lineItem ? ' <span class="role">(graded)</span>' : ''}${learners
        .map((l) => `<form method="post" action="/dev/lms/${slug}/items/${n}/launch"><input type="hidden" name="person" value="${escape(l.id)}"><button type="submit" data-testid="lms-item-${slug}-${n}-${escape(l.id)}">Open as ${escape(l.name)}</button></form>`)
        .join('')}</li>`,
    )
    .join('');
  return `<div class="card">${addButtons}<h3>Course content</h3>${items ? `<ul>${items}</ul>` : '<p class="role">Nothing placed yet.</p>'}</div>`;
}

export async function simulatorDeepLinkRoutes(
  scope: FastifyInstance,
  opts: { toolOrigin: string; logger: Logger; simulator: LmsSimulator; page: (title: string, body: string) => string; autoPost: (action: string, fields: Record<string, string>, label: string) => string },
) {
  const { simulator, toolOrigin, page, autoPost } = opts;
  const cfg = { config: { access: 'public' as const, allowCrossOrigin: true }, schema: { hide: true } };
  const toolKeys = createRemoteJWKSet(new URL(`${toolOrigin}/lti/jwks`), { cooldownDuration: 0 });
  const notFound = (reply: FastifyReply) => reply.status(404).type('text/html').send(page('Not found', '<h1>No such simulated platform or item</h1>'));
  const slugOf = (params: unknown) => simulator.get((params as { slug: string }).slug);

  // The teacher starts deep linking: the platform's login initiation, whose id_token will be an LtiDeepLinkingRequest.
  scope.post('/dev/lms/:slug/deeplink', cfg, async (request, reply) => {
    const p = slugOf(request.params);
    if (!p) return notFound(reply);
    const person = ((request.body ?? {}) as Record<string, string>).person ?? 'teacher-1';
    return reply.type('text/html').send(autoPost(`${toolOrigin}/lti/login`, p.loginParams(toolOrigin, person, { deepLink: true }), 'Continue to Tutorline'));
  });

  // The deep_link_return_url: the tool's signed answer, checked as a platform checks it, then the items are placed.
  scope.post('/dev/lms/:slug/deeplink/return', cfg, async (request, reply) => {
    const p = slugOf(request.params);
    if (!p) return notFound(reply);
    const jwt = ((request.body ?? {}) as Record<string, string>).JWT;
    const refuse = (why: string) => {
      opts.logger.warn({ event: 'lms_sim_deep_link_refused', platform: p.opts.slug, why }, 'LMS simulator: deep-link response refused');
      return reply.status(400).type('text/html').send(page('Deep link refused', `<h1>The course refused the content</h1><p data-why="${escape(why)}">${escape(why)}</p>`));
    };
    if (!jwt) return refuse('no JWT');
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(jwt, toolKeys, { algorithms: ['RS256'], issuer: p.clientId, audience: expectedDeepLinkAudience(p) }));
    } catch (err) {
      return refuse(`signature or claims: ${(err as Error).message}`);
    }
    if (payload[`${LTI}message_type`] !== 'LtiDeepLinkingResponse' || payload[`${LTI}version`] !== '1.3.0') return refuse('message type or version');
    if (payload[`${LTI}deployment_id`] !== p.deploymentId) return refuse('deployment_id');
    const data = payload[`${DL}data`];
    if (typeof data !== 'string' || !p.deepLinkData.delete(data)) return refuse('data not one we sent, or already answered');
    const items = payload[`${DL}content_items`];
    if (!Array.isArray(items)) return refuse('content_items');
    for (const raw of items as Record<string, unknown>[]) {
      if (raw.type !== 'ltiResourceLink' || typeof raw.url !== 'string') continue;
      const item: PlacedSimItem = {
        title: typeof raw.title === 'string' ? raw.title : 'Tutorline',
        url: raw.url,
        custom: Object.fromEntries(Object.entries((raw.custom as Record<string, unknown> | undefined) ?? {}).map(([k, v]) => [k, String(v)])),
        lineItem: (raw.lineItem as Record<string, unknown> | undefined) ?? null,
        resourceLinkId: `${p.opts.slug}-link-${p.placedItems.length + 2}`,
      };
      p.placedItems.push(item);
    }
    opts.logger.info({ event: 'lms_sim_items_placed', platform: p.opts.slug, count: items.length }, 'LMS simulator: items placed by deep linking');
    return reply
      .type('text/html')
      .send(page('Content added', `<header><h1>Content added</h1></header><p data-testid="lms-placed-count">${p.placedItems.length} item(s) in ${escape(p.course.title)}.</p><p><a href="/dev/lms">Back to the course</a></p>`));
  });

  // A student opens a placed item: a real launch of its resource link, with the item's custom parameters.
  scope.post('/dev/lms/:slug/items/:n/launch', cfg, async (request, reply) => {
    const p = slugOf(request.params);
    const item = p?.placedItems[Number((request.params as { n: string }).n)];
    if (!p || !item) return notFound(reply);
    const person = ((request.body ?? {}) as Record<string, string>).person ?? 'student-1';
    return reply.type('text/html').send(autoPost(`${toolOrigin}/lti/login`, p.loginParams(toolOrigin, person, { custom: item.custom, resourceLinkId: item.resourceLinkId, targetLinkUri: item.url }), 'Continue to Tutorline'));
  });
}
