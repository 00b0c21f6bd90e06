import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import type { ToolKeys } from './lti.keys';
import { type AgsAnswer, classifyAnswer, TOKEN_EXPIRY_MARGIN_MS } from './lti.ags.rules';

/** A platform's service endpoints as a registration knows them. */
export interface AgsRegistration {
  registrationId: string;
  clientId: string;
  accessTokenUrl: string;
}

/** A call to a platform that did not succeed: what its answer means (retry, refused, …) and words for the log. */
export class AgsCallError extends Error {
  constructor(
    message: string,
    readonly answer: AgsAnswer,
    readonly status: number | null,
  ) {
    super(message);
  }
}

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** A client assertion lives 5 minutes (1EdTech Security Framework §4.1.1 asks for a short life). */
const ASSERTION_TTL_SECONDS = 300;

/**
 * Service access tokens (1EdTech Security Framework §4.1): client credentials with a `private_key_jwt` assertion
 * signed by the tool's current key, cached per registration and scope set until shortly before they expire.
 */
export function createAgsTokens(deps: { keys: ToolKeys; clock: Clock; logger: Logger; fetch?: typeof fetch }) {
  const { keys, clock, logger } = deps;
  const http = deps.fetch ?? fetch;
  const cache = new Map<string, { token: string; expiresAt: number }>();
  const pending = new Map<string, Promise<string>>();
  const keyOf = (reg: AgsRegistration, scopes: string[]) => `${reg.registrationId}\n${reg.accessTokenUrl}\n${[...scopes].sort().join(' ')}`;
  const stats = { requested: 0 };

  async function request(reg: AgsRegistration, scopes: string[], key: string): Promise<string> {
    const assertion = await keys.sign({ sub: reg.clientId }, { issuer: reg.clientId, audience: reg.accessTokenUrl, expiresInSeconds: ASSERTION_TTL_SECONDS });
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: assertion, scope: scopes.join(' ') });
    stats.requested += 1;
    let res: Response;
    try {
      res = await http(reg.accessTokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: body.toString(), signal: AbortSignal.timeout(15_000) });
    } catch (err) {
      logger.warn({ event: 'lti_ags_token_unavailable', registrationId: reg.registrationId, reason: (err as Error).message }, 'LTI AGS: the token endpoint could not be reached');
      throw new AgsCallError(`token endpoint unreachable: ${(err as Error).message}`, { kind: 'retry', afterMs: null }, null);
    }
    const json = (await res.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown; error?: unknown };
    if (!res.ok || typeof json.access_token !== 'string') {
      const answer = res.ok ? ({ kind: 'refused' } as const) : classifyAnswer(res.status, res.headers.get('retry-after'), clock.now());
      const final = answer.kind !== 'retry';
      const error = typeof json.error === 'string' ? json.error.slice(0, 60) : null;
      logger.warn(
        { event: final ? 'lti_ags_token_refused' : 'lti_ags_token_unavailable', registrationId: reg.registrationId, status: res.status, error },
        final ? 'LTI AGS: the platform refused our client assertion' : 'LTI AGS: the token endpoint failed; the score will be retried',
      );
      // The token endpoint saying 401 means our credentials are refused: retrying the same assertion cannot help.
      throw new AgsCallError(`token endpoint answered ${res.status}${error ? ` ${error}` : ''}`, final ? { kind: 'refused' } : answer, res.status);
    }
    const lifeMs = (typeof json.expires_in === 'number' && json.expires_in > 0 ? json.expires_in : 3600) * 1000;
    cache.set(key, { token: json.access_token, expiresAt: clock.now().getTime() + lifeMs - TOKEN_EXPIRY_MARGIN_MS });
    logger.info({ event: 'lti_ags_token_fetched', registrationId: reg.registrationId, scopes, expiresInSeconds: lifeMs / 1000 }, 'LTI AGS: service token fetched');
    return json.access_token;
  }

  return {
    stats,
    /** A token for these scopes: the cached one while it is fresh, otherwise one request (shared by concurrent callers). */
    async get(reg: AgsRegistration, scopes: string[]): Promise<string> {
      const key = keyOf(reg, scopes);
      const hit = cache.get(key);
      if (hit && hit.expiresAt > clock.now().getTime()) return hit.token;
      let p = pending.get(key);
      if (!p) {
        p = request(reg, scopes, key).finally(() => pending.delete(key));
        pending.set(key, p);
      }
      return p;
    },
    /** Forgets a token the platform no longer accepts (a 401), unless a newer one replaced it already. */
    invalidate(reg: AgsRegistration, scopes: string[], token: string) {
      const key = keyOf(reg, scopes);
      if (cache.get(key)?.token === token) cache.delete(key);
    },
  };
}
export type AgsTokens = ReturnType<typeof createAgsTokens>;
