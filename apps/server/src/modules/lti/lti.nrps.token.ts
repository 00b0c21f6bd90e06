import { type Fail, fail, ok, type Result } from '../../platform/result';
import { AgsCallError, type AgsTokens } from './lti.ags.token';
import type { LtiRepo } from './lti.repo';

/**
 * A service token for the roster (NRPS) as a typed result: the same client-credentials client (private_key_jwt, one
 * cache per registration and scope set) that AGS scores use, so the tool keeps one token client for every LTI
 * Advantage service.
 */
export type TokenFailure = Fail<'no_registration'> | Fail<'token_refused', { status: number }> | Fail<'token_unavailable', { detail: string }>;
export interface ServiceTokens {
  getAccessToken(registrationId: string, scopes: readonly string[]): Promise<Result<string, TokenFailure>>;
}

export function createServiceTokens(deps: { repo: LtiRepo; tokens: AgsTokens }): ServiceTokens {
  return {
    async getAccessToken(registrationId, scopes) {
      const reg = await deps.repo.findRegistration(registrationId);
      if (!reg || reg.status !== 'active') return fail('no_registration');
      try {
        return ok(await deps.tokens.get({ registrationId, clientId: reg.clientId, accessTokenUrl: reg.accessTokenUrl }, [...scopes]));
      } catch (err) {
        if (!(err instanceof AgsCallError)) throw err;
        return err.answer.kind === 'retry' ? fail('token_unavailable', { detail: err.message }) : fail('token_refused', { status: err.status ?? 0 });
      }
    },
  };
}
