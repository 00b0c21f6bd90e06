import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { frameOriginsOf } from './lti.deeplink.rules';
import type { LtiRepo } from './lti.repo';

/**
 * Framing of the pages a launch lands on (decision 057). A launch that opens a session also sets `tl_lti_frame`, the
 * registration id with an HMAC; an HTML document answered to a browser holding it may be framed by that registration's
 * platform origins instead of 'none'. Without the cookie (any other visit) nothing changes: frame-ancestors 'none'.
 */
export const FRAME_COOKIE = 'tl_lti_frame';
const CACHE_MS = 60_000;

export function createLtiFraming(deps: { repo: LtiRepo; signingSecret: string; secureCookies: boolean; now: () => number }) {
  const mac = (registrationId: string) => createHmac('sha256', deps.signingSecret).update(`lti-frame\n${registrationId}`).digest('base64url');
  const cache = new Map<string, { origins: string[]; until: number }>();

  async function originsOf(registrationId: string): Promise<string[]> {
    const hit = cache.get(registrationId);
    if (hit && hit.until > deps.now()) return hit.origins;
    const registration = await deps.repo.findRegistration(registrationId);
    const origins = registration && registration.status === 'active' ? frameOriginsOf(registration) : [];
    cache.set(registrationId, { origins, until: deps.now() + CACHE_MS });
    return origins;
  }

  /** The registration a valid cookie names, or null (missing, forged). */
  function verify(value: string | undefined): string | null {
    const [id, sig] = (value ?? '').split('.');
    if (!id || !sig) return null;
    const want = Buffer.from(mac(id));
    const got = Buffer.from(sig);
    return want.length === got.length && timingSafeEqual(want, got) ? id : null;
  }

  return {
    /** After a launch opened a session: this browser's landing pages may be framed by the registration's platform. */
    mark(reply: FastifyReply, registrationId: string, expiresAt: Date) {
      const site = deps.secureCookies ? ({ sameSite: 'none', secure: true, partitioned: true } as const) : ({ sameSite: 'lax', secure: false } as const);
      reply.setCookie(FRAME_COOKIE, `${registrationId}.${mac(registrationId)}`, { path: '/', httpOnly: true, expires: expiresAt, ...site });
    },

    /** Rewrites frame-ancestors 'none' of an HTML document for a browser that launched from a registered platform. */
    install(fastify: FastifyInstance) {
      fastify.addHook('onSend', async (request, reply, payload) => {
        const type = reply.getHeader('content-type');
        const policy = reply.getHeader('content-security-policy');
        if (typeof type !== 'string' || !type.startsWith('text/html') || typeof policy !== 'string' || !policy.includes("frame-ancestors 'none'")) return payload;
        if (request.url.startsWith('/dev/') || request.url.startsWith('/api/')) return payload;
        const registrationId = verify(request.cookies[FRAME_COOKIE]);
        if (!registrationId) return payload;
        const origins = await originsOf(registrationId);
        if (!origins.length) return payload;
        reply.header('content-security-policy', policy.replace("frame-ancestors 'none'", `frame-ancestors ${origins.join(' ')}`));
        reply.removeHeader('x-frame-options');
        return payload;
      });
    },
  };
}
export type LtiFraming = ReturnType<typeof createLtiFraming>;
