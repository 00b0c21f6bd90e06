import { z } from 'zod';
import type { Logger } from '../../platform/logger';
import type { LtiRegistrations } from './lti.registrations';
import { platformUrlProblem } from './lti.rules';

const FETCH_TIMEOUT_MS = 10_000;

/** The parts of a platform's OpenID configuration LTI Dynamic Registration 1.0 §3.4 needs. */
const platformConfigurationSchema = z.object({
  issuer: z.string().min(1),
  authorization_endpoint: z.string().min(1),
  token_endpoint: z.string().min(1),
  jwks_uri: z.string().min(1),
  registration_endpoint: z.string().min(1),
  'https://purl.imsglobal.org/spec/lti-platform-configuration': z.object({ product_family_code: z.string().optional(), version: z.string().optional() }).loose().optional(),
});

const registrationResponseSchema = z.object({
  client_id: z.string().min(1),
  'https://purl.imsglobal.org/spec/lti-tool-configuration': z.object({ deployment_id: z.string().min(1).optional() }).loose().optional(),
});

export type DynamicRefusal = 'bad_request' | 'config_unreachable' | 'config_invalid' | 'url_not_allowed' | 'registration_refused';
export type DynamicResult = { ok: true; registrationId: string; name: string } | { ok: false; reason: DynamicRefusal; detail: string };

export const dynamicRefusalWords: Record<DynamicRefusal, string> = {
  bad_request: 'The registration link is missing its openid_configuration address.',
  config_unreachable: 'Tutorline could not read your platform\u2019s configuration. Check that it is reachable and try again.',
  config_invalid: 'Your platform\u2019s configuration is missing something LTI Dynamic Registration requires.',
  url_not_allowed: 'Your platform\u2019s addresses must use https.',
  registration_refused: 'Your platform did not accept Tutorline\u2019s registration.',
};

/**
 * LTI Dynamic Registration 1.0: the platform opens /lti/register with its openid_configuration URL and a one-time
 * registration_token; we read the configuration, post our tool configuration to its registration endpoint, and keep
 * the answer as a *pending* registration that an admin confirms before it can launch.
 */
export function createDynamicRegistration(deps: { registrations: LtiRegistrations; logger: Logger; toolOrigin: string; production: boolean; fetch?: typeof fetch }) {
  const doFetch = deps.fetch ?? fetch;
  const { logger, toolOrigin, production } = deps;
  const refuse = (reason: DynamicRefusal, detail: string): DynamicResult => {
    logger.warn({ event: 'lti_dynamic_registration_refused', reason, detail }, 'LTI dynamic registration refused');
    return { ok: false, reason, detail };
  };

  /** What we tell the platform about ourselves (Dynamic Registration 1.0 §3.5.2). */
  const toolConfiguration = () => ({
    application_type: 'web',
    response_types: ['id_token'],
    grant_types: ['implicit', 'client_credentials'],
    initiate_login_uri: `${toolOrigin}/lti/login`,
    redirect_uris: [`${toolOrigin}/lti/launch`],
    client_name: 'Tutorline',
    jwks_uri: `${toolOrigin}/lti/jwks`,
    token_endpoint_auth_method: 'private_key_jwt',
    scope: '',
    'https://purl.imsglobal.org/spec/lti-tool-configuration': {
      domain: new URL(toolOrigin).host,
      target_link_uri: `${toolOrigin}/lti/launch`,
      claims: ['iss', 'sub', 'name', 'given_name', 'family_name', 'email'],
      messages: [{ type: 'LtiResourceLinkRequest' }],
      description: 'Tutoring: instant help, booked lessons and classes.',
    },
  });

  return {
    toolConfiguration,
    async register(params: { openid_configuration?: string | undefined; registration_token?: string | undefined }): Promise<DynamicResult> {
      const configUrl = params.openid_configuration;
      if (!configUrl) return refuse('bad_request', 'openid_configuration missing');
      const urlProblem = platformUrlProblem(configUrl, production);
      if (urlProblem) return refuse('url_not_allowed', `openid_configuration ${urlProblem}`);
      let config: z.infer<typeof platformConfigurationSchema>;
      try {
        const res = await doFetch(configUrl, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/json' } });
        if (!res.ok) return refuse('config_unreachable', `status ${res.status}`);
        const parsed = platformConfigurationSchema.safeParse(await res.json());
        if (!parsed.success) return refuse('config_invalid', parsed.error.issues.map((i) => i.path.join('.')).join(', '));
        config = parsed.data;
      } catch (err) {
        return refuse('config_unreachable', (err as Error).message);
      }
      for (const [name, value] of [['registration_endpoint', config.registration_endpoint], ['authorization_endpoint', config.authorization_endpoint], ['token_endpoint', config.token_endpoint], ['jwks_uri', config.jwks_uri]] as const) {
        const problem = platformUrlProblem(value, production);
        if (problem) return refuse('url_not_allowed', `${name} ${problem}`);
      }
      let answer: z.infer<typeof registrationResponseSchema>;
      try {
        const res = await doFetch(config.registration_endpoint, {
          method: 'POST',
          signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
          headers: { 'content-type': 'application/json', accept: 'application/json', ...(params.registration_token ? { authorization: `Bearer ${params.registration_token}` } : {}) },
          body: JSON.stringify(toolConfiguration()),
        });
        if (!res.ok) return refuse('registration_refused', `status ${res.status}`);
        const parsed = registrationResponseSchema.safeParse(await res.json());
        if (!parsed.success) return refuse('registration_refused', 'no client_id in the answer');
        answer = parsed.data;
      } catch (err) {
        return refuse('registration_refused', (err as Error).message);
      }
      const deploymentId = answer['https://purl.imsglobal.org/spec/lti-tool-configuration']?.deployment_id;
      const family = config['https://purl.imsglobal.org/spec/lti-platform-configuration']?.product_family_code ?? 'unknown';
      const name = `${family} (${new URL(config.issuer).host || config.issuer})`;
      const created = await deps.registrations.create(
        {
          name,
          issuer: config.issuer,
          clientId: answer.client_id,
          deploymentIds: deploymentId ? [deploymentId] : [],
          authLoginUrl: config.authorization_endpoint,
          accessTokenUrl: config.token_endpoint,
          keysetUrl: config.jwks_uri,
        },
        'pending',
        null,
        // Kept for the admin who confirms: who this claims to be, and whether the configuration URL was under its issuer.
        { productFamily: family, via: 'dynamic_registration', configurationUrl: configUrl, issuerMatchesConfigurationUrl: configUrl.startsWith(config.issuer) },
      );
      return { ok: true, registrationId: created.id, name };
    },
  };
}
export type DynamicRegistration = ReturnType<typeof createDynamicRegistration>;
