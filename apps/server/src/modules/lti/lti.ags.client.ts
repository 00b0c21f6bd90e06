import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import { type AgsEndpoint, classifyAnswer, LINE_ITEM_CONTAINER_TYPE, LINE_ITEM_TYPE, lineItemFor, nextLink, type OutcomeKind, SCORE_TYPE, scoresUrl, tokenScopesFor } from './lti.ags.rules';
import { AgsCallError, type AgsRegistration, type AgsTokens } from './lti.ags.token';

/** Pages of a line items container read before giving up (a platform whose Link header loops must not spin us). */
const MAX_CONTAINER_PAGES = 20;

/**
 * The AGS 2.0 calls a tool makes (issue #16): find or create a line item, post a score. Each call carries a bearer
 * token; a 401 drops it and tries once more with a fresh one, then gives up. Any other failure is an AgsCallError
 * that says whether to retry.
 */
export function createAgsClient(deps: { tokens: AgsTokens; clock: Clock; logger: Logger; fetch?: typeof fetch }) {
  const { tokens, clock } = deps;
  const http = deps.fetch ?? fetch;

  async function call(reg: AgsRegistration, endpoint: AgsEndpoint, what: string, make: (token: string) => Promise<Response>): Promise<Response> {
    const scopes = tokenScopesFor(endpoint);
    for (let attempt = 1; ; attempt++) {
      const token = await tokens.get(reg, scopes);
      let res: Response;
      try {
        res = await make(token);
      } catch (err) {
        throw new AgsCallError(`${what}: platform unreachable: ${(err as Error).message}`, { kind: 'retry', afterMs: null }, null);
      }
      const answer = classifyAnswer(res.status, res.headers.get('retry-after'), clock.now());
      if (answer.kind === 'ok') return res;
      if (answer.kind === 'unauthorized' && attempt === 1) {
        tokens.invalidate(reg, scopes, token);
        deps.logger.info({ event: 'lti_ags_token_rejected', registrationId: reg.registrationId, what }, 'LTI AGS: the platform rejected our token; fetching a new one once');
        continue;
      }
      await res.body?.cancel();
      throw new AgsCallError(`${what}: platform answered ${res.status}`, answer.kind === 'unauthorized' ? { kind: 'refused' } : answer, res.status);
    }
  }

  return {
    /** The course's line item for a kind of outcome: found by tag and resourceId in the container (all pages), or created. */
    async findOrCreateLineItem(reg: AgsRegistration, endpoint: AgsEndpoint, kind: OutcomeKind, resourceLinkId?: string): Promise<string> {
      const want = lineItemFor(kind);
      const first = new URL(endpoint.lineItemsUrl);
      first.searchParams.set('tag', want.tag);
      first.searchParams.set('resource_id', want.resourceId);
      const seen = new Set<string>();
      for (let url: string | null = first.toString(), pages = 0; url && pages < MAX_CONTAINER_PAGES && !seen.has(url); pages++) {
        seen.add(url);
        const pageUrl: string = url;
        const res = await call(reg, endpoint, 'list line items', (token) => http(pageUrl, { headers: { authorization: `Bearer ${token}`, accept: LINE_ITEM_CONTAINER_TYPE }, signal: AbortSignal.timeout(15_000) }));
        const items = (await res.json().catch(() => [])) as { id?: unknown; tag?: unknown; resourceId?: unknown }[];
        const found = Array.isArray(items) ? items.find((i) => typeof i.id === 'string' && i.tag === want.tag && i.resourceId === want.resourceId) : undefined;
        if (found) return found.id as string;
        url = nextLink(res.headers.get('link'));
      }
      if (!endpoint.scopes.includes('https://purl.imsglobal.org/spec/lti-ags/scope/lineitem')) {
        throw new AgsCallError('the platform lets us read line items only, and has none for this outcome', { kind: 'refused' }, null);
      }
      const body = JSON.stringify({ label: want.label, scoreMaximum: want.scoreMaximum, tag: want.tag, resourceId: want.resourceId, ...(resourceLinkId ? { resourceLinkId } : {}) });
      const res = await call(reg, endpoint, 'create line item', (token) =>
        http(endpoint.lineItemsUrl, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': LINE_ITEM_TYPE, accept: LINE_ITEM_TYPE }, body, signal: AbortSignal.timeout(15_000) }),
      );
      const made = (await res.json().catch(() => ({}))) as { id?: unknown };
      if (typeof made.id !== 'string') throw new AgsCallError('create line item: the platform sent no id', { kind: 'retry', afterMs: null }, res.status);
      deps.logger.info({ event: 'lti_ags_line_item_created', registrationId: reg.registrationId, kind, lineItem: made.id }, 'LTI AGS: line item created');
      return made.id;
    },

    /** Posts a score: 'ok', or 'stale' when the platform already holds a newer one (409). */
    async postScore(reg: AgsRegistration, endpoint: AgsEndpoint, lineItemUrl: string, score: object): Promise<'ok' | 'stale'> {
      try {
        const res = await call(reg, endpoint, 'post score', (token) =>
          http(scoresUrl(lineItemUrl), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': SCORE_TYPE }, body: JSON.stringify(score), signal: AbortSignal.timeout(15_000) }),
        );
        await res.body?.cancel();
        return 'ok';
      } catch (err) {
        if (err instanceof AgsCallError && err.answer.kind === 'stale') return 'stale';
        throw err;
      }
    },
  };
}
export type AgsClient = ReturnType<typeof createAgsClient>;
