import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import { type Fail, fail, ok, type Result } from '../../platform/result';
import type { ToolKeys } from './lti.keys';
import type { LtiRepo } from './lti.repo';

/**
 * A service token for LTI Advantage calls (NRPS here): OAuth2 client credentials with a private_key_jwt assertion
 * signed by the tool's current key (1EdTech Security Framework §4.1), cached per registration and scope set until a
 * minute before it expires. Minimal on purpose: the AGS work (lti.ags.*) has its own client, and the two are to be
 * unified at merge behind this one interface.
 */
export type TokenFailure = Fail<'no_registration'> | Fail<'token_refused', { status: number }> | Fail<'token_unavailable', { detail: string }>;
export interface ServiceTokens {
  getAccessToken(registrationId: string, scopes: readonly string[]): Promise<Result<string, TokenFailure>>;
}

export function createServiceTokens(deps: { repo: LtiRepo; keys: ToolKeys; clock: Clock; logger: Logger; fetch?: typeof fetch }): ServiceTokens {
  const doFetch = deps.fetch ?? fetch;
  const cache = new Map<string, { token: string; expiresAt: number }>();
  return {
    async getAccessToken(registrationId, scopes) {
      const key = `${registrationId} ${[...scopes].sort().join(' ')}`;
      const now = deps.clock.now().getTime();
      const hit = cache.get(key);
      if (hit && hit.expiresAt - 60_000 > now) return ok(hit.token);
      const reg = await deps.repo.findRegistration(registrationId);
      if (!reg || reg.status !== 'active') return fail('no_registration');
      const assertion = await deps.keys.sign({ sub: reg.clientId }, { issuer: reg.clientId, audience: reg.accessTokenUrl, expiresInSeconds: 300 });
      const body = new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
        scope: scopes.join(' '),
      });
      let res: Response;
      try {
        res = await doFetch(reg.accessTokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body, signal: AbortSignal.timeout(10_000) });
      } catch (err) {
        deps.logger.warn({ event: 'lti_service_token_failed', registrationId, err: (err as Error).message }, 'LTI service token request failed');
        return fail('token_unavailable', { detail: (err as Error).message });
      }
      if (!res.ok) {
        deps.logger.warn({ event: 'lti_service_token_refused', registrationId, status: res.status }, 'LTI platform refused a service token');
        return fail('token_refused', { status: res.status });
      }
      const json = (await res.json().catch(() => null)) as { access_token?: unknown; expires_in?: unknown } | null;
      if (!json || typeof json.access_token !== 'string') return fail('token_unavailable', { detail: 'no access_token in the answer' });
      const ttl = typeof json.expires_in === 'number' && json.expires_in > 0 ? json.expires_in : 3600;
      cache.set(key, { token: json.access_token, expiresAt: now + ttl * 1000 });
      return ok(json.access_token);
    },
  };
}
