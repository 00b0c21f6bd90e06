import { createHash, timingSafeEqual } from 'node:crypto';
import type { Access, FieldIssue } from '@tutorline/contracts';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { isDatabaseUnavailable } from './db/errors';
import { AppError } from './errors';
import { guardJsonDepth } from './json';
import type { SecretPaths } from './logger';
import type { Metrics } from './metrics';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route; every /api route must say (checked at registration). */
    access?: Access;
    /** Skip the Origin check, for server-to-server callers such as payment webhooks. */
    allowCrossOrigin?: boolean;
    /**
     * Path params that are credentials (a log-in link's token, a feed secret): the request log shows `[redacted]` in
     * their place. A param whose name looks secret must be declared here or marked `[]` (checked at registration).
     */
    secretParams?: readonly string[];
    /**
     * Development tools (simulators, fake providers, the test clock): answered only to callers on this machine,
     * whatever HOST is. Every route under /dev/ is dev-only whether it says so or not.
     */
    devOnly?: boolean;
  }
}

/** Param names that usually hold a credential; a route with one must say whether it is secret. */
const secretLookingParam = /token|secret|code|sig|key|password|hash/i;

/** Throws at start-up when a route's path params and its `secretParams` declaration disagree. */
export function checkSecretParams(method: string | string[], url: string, secretParams: readonly string[] | undefined): void {
  const params = [...url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
  const where = `Route ${String(method)} ${url}`;
  for (const name of secretParams ?? []) {
    if (!params.includes(name)) throw new Error(`${where} declares secretParams "${name}", which is not one of its path params`);
  }
  const undeclared = params.filter((p) => secretLookingParam.test(p));
  if (undeclared.length && secretParams === undefined) {
    throw new Error(`${where} has a path param that looks like a credential (${undeclared.join(', ')}): declare config.secretParams (e.g. ['${undeclared[0]}'], or [] if it is not secret) so the request log can redact it`);
  }
}

/** Development-only routes live here; each one is marked devOnly as it is registered. */
export const DEV_PREFIX = '/dev/';
const isDevPath = (url: string) => url === '/dev' || url.startsWith(DEV_PREFIX);

/** 127.0.0.0/8, ::1, and IPv4 loopback mapped into IPv6. */
export function isLoopbackAddress(ip: string | undefined): boolean {
  if (!ip) return false;
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4)) return true;
  return ip === '::1' || ip === '0:0:0:0:0:0:0:1';
}

/** Whether binding HOST exposes the server only to this machine (a loopback address or `localhost`). */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || isLoopbackAddress(host.replace(/^\[|\]$/g, ''));
}

/** Every client address a request names in proxy headers (X-Forwarded-For, X-Real-IP, Forwarded `for=`). */
function forwardedAddresses(request: FastifyRequest): string[] {
  const h = request.headers;
  const values = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
  const out: string[] = [];
  for (const v of values(h['x-forwarded-for'])) out.push(...v.split(','));
  out.push(...values(h['x-real-ip']));
  for (const v of values(h.forwarded)) for (const m of v.matchAll(/for=("?)\[?([^\]";,]*)\]?(?::\d+)?\1/gi)) out.push(m[2]!);
  return out.map((a) => a.trim());
}

/**
 * Whether the caller is on this machine: the connection comes from a loopback address and so does every client address
 * a proxy put in front of it. A proxy on loopback (trusted or not, TRUST_PROXY or not) therefore cannot pass a remote
 * caller off as local; and since every hop must be loopback, a spoofed leading `X-Forwarded-For: 127.0.0.1` does not help.
 */
export function isLocalCaller(request: FastifyRequest): boolean {
  return isLoopbackAddress(request.socket.remoteAddress) && forwardedAddresses(request).every(isLoopbackAddress);
}

const stateChanging = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Security headers, as constant objects set once per response. (@fastify/helmet did the same for about
 * 25 µs a request, 40% of a health check: see docs/decisions/006-security-headers.md.)
 * Nothing loads from another host: children use this, and a third-party request is data sharing.
 */
const documentCsp =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; " +
  "connect-src 'self'; font-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; " +
  "frame-ancestors 'none'";
/** On every response: never sniffed, never rendered as a page, never read by another site. */
const apiCsp = "default-src 'none'; frame-ancestors 'none'";
const baseSecurityHeaders = {
  'x-content-type-options': 'nosniff',
  'cross-origin-resource-policy': 'same-origin',
  'content-security-policy': apiCsp,
};
/** Only documents can be framed, navigate, or leak a referrer, so only HTML carries these. */
const documentHeaders = {
  'content-security-policy': documentCsp,
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'x-dns-prefetch-control': 'off',
  'x-permitted-cross-domain-policies': 'none',
};
const httpsHeaders = { 'strict-transport-security': 'max-age=15552000; includeSubDomains' };

function sendError(reply: FastifyReply, status: number, code: string, message: string, details?: unknown) {
  return reply.status(status).send({ error: { code, message, ...(details === undefined ? {} : { details }), requestId: reply.request.id } });
}

function fieldIssues(error: { validation: { keyword?: string; instancePath?: string; message?: string; params?: unknown }[]; validationContext?: string }): FieldIssue[] {
  const ctx = error.validationContext ?? 'body';
  return error.validation.map((v) => {
    const segments = (v.instancePath ?? '').split('/').filter(Boolean);
    const path = [ctx, ...segments].join('.');
    const keys = (v.params as { keys?: string[] } | undefined)?.keys;
    if (v.keyword === 'unrecognized_keys' && keys?.length) return { path, message: `has unknown field(s): ${keys.join(', ')}` };
    return { path, message: v.message ?? 'is invalid' };
  });
}

/** Request ids, the common error shape, metrics, the Origin check, and the rule that every route declares its access. */
export function installHttpBasics(app: FastifyInstance, opts: { metrics: Metrics; allowedOrigins: string[]; spaIndex?: string | undefined; https?: boolean; secretPaths: SecretPaths }) {
  const { metrics, allowedOrigins, spaIndex } = opts;
  const securityHeaders = opts.https ? { ...baseSecurityHeaders, ...httpsHeaders } : baseSecurityHeaders;
  // The API speaks JSON only; Fastify's built-in text/plain parser would hand handlers a string, answered 400 instead of 415.
  app.removeContentTypeParser('text/plain');
  // Absurdly nested JSON is a 400 before anything parses it (a recursive walk of 300,000 levels overflows the stack).
  guardJsonDepth(app);

  app.addHook('onRoute', (route) => {
    if (!route.config?.access && route.url.startsWith('/api/') && !route.url.startsWith('/api/docs')) {
      throw new Error(`Route ${route.method} ${route.url} does not declare config.access`);
    }
    const secretParams = route.config?.secretParams;
    checkSecretParams(route.method, route.url, secretParams);
    if (secretParams?.length) opts.secretPaths.register(route.url);
    // By prefix, so a new development tool cannot forget to be local-only.
    if (isDevPath(route.url)) route.config = { ...route.config, devOnly: true };
  });

  // An HTML document gets the policy that lets it load its own scripts, styles and images; a route that set its own keeps it.
  app.addHook('onSend', (_request, reply, payload, done) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('text/html') && reply.getHeader('content-security-policy') === apiCsp) {
      reply.headers(documentHeaders);
    }
    done(null, payload);
  });

  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(securityHeaders);
    reply.header('x-request-id', request.id);
    // Another machine is told nothing exists here (a 404 like any unknown path), before any other hook runs.
    if (request.routeOptions.config?.devOnly && !isLocalCaller(request)) {
      request.log.warn({ event: 'dev_route_refused', ip: request.socket.remoteAddress }, 'refused a development route to a non-local caller');
      sendError(reply, 404, 'not_found', `No route for ${request.method} ${request.url.split('?')[0] ?? '/'}.`);
      return;
    }
    if (stateChanging.has(request.method) && !request.routeOptions.config?.allowCrossOrigin) {
      const origin = request.headers.origin;
      // Browsers always send Origin on cross-site state-changing requests; tools without a browser carry no cookies of ours.
      if (origin !== undefined && !allowedOrigins.includes(origin)) {
        request.log.warn({ origin, event: 'origin_refused' }, 'refused a cross-origin state-changing request');
        sendError(reply, 403, 'origin_forbidden', 'Requests from this origin are not allowed.');
        return;
      }
    }
    done();
  });

  // One histogram child per (method, route, status), looked up by a string key instead of a labels object each time.
  const durationByLabels = new Map<string, { observe(v: number): void }>();
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const key = `${request.method} ${reply.statusCode} ${route}`;
    let child = durationByLabels.get(key);
    if (!child) durationByLabels.set(key, (child = metrics.httpDuration.labels(request.method, route, String(reply.statusCode))));
    child.observe(reply.elapsedTime / 1000);
    done();
  });

  app.setNotFoundHandler((request, reply) => {
    const pathname = request.url.split('?')[0] ?? '/';
    // Client-side routes of the web app get its index page; the API keeps JSON 404s.
    const devPageRefused = isDevPath(pathname) && !isLocalCaller(request);
    if (spaIndex && !devPageRefused && (request.method === 'GET' || request.method === 'HEAD') && !/^\/(api|socket\.io)(\/|$)/.test(pathname) && request.headers.accept?.includes('text/html')) {
      // The page names the current build's hashed files, so it is revalidated every time (the files keep their hour):
      // sendFile's own cache-control (the static files' maxAge) is turned off for it.
      return reply.type('text/html').header('cache-control', 'no-cache').sendFile(spaIndex, { cacheControl: false });
    }
    return sendError(reply, 404, 'not_found', `No route for ${request.method} ${pathname}.`);
  });

  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof AppError) {
      if (error.status >= 500) request.log.error({ err: error }, error.message);
      const retryAfter = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
      if (error.status === 429 && typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
      return sendError(reply, error.status, error.code, error.message, error.details);
    }
    // A lost or refused database connection fails this request only: the pool replaces the connection.
    if (isDatabaseUnavailable(error)) {
      request.log.error({ err: error, event: 'database_unavailable' }, 'the database is unavailable');
      reply.header('retry-after', '2');
      return sendError(reply, 503, 'service_unavailable', 'The service is briefly unavailable. Please try again in a moment.');
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const fields = fieldIssues(error);
      return sendError(reply, 400, 'validation_failed', `Invalid request: ${fields.map((f) => `${f.path} ${f.message}`).join('; ')}`, { fields });
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error }, 'response did not match its schema');
      return sendError(reply, 500, 'internal_error', 'Something went wrong on our side. Please try again.');
    }
    switch (error.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return sendError(reply, 400, 'invalid_json', 'The request body is not valid JSON.');
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendError(reply, 413, 'payload_too_large', 'The request body is too large.');
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendError(reply, 415, 'unsupported_media_type', 'This content type is not supported here; send application/json.');
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return sendError(reply, 400, 'invalid_json', 'The request body length does not match Content-Length.');
    }
    if (error.statusCode === 429) {
      return sendError(reply, 429, 'rate_limited', error.message || 'Too many requests. Please wait and try again.');
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendError(reply, error.statusCode, 'validation_failed', 'The request could not be processed.');
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendError(reply, 500, 'internal_error', 'Something went wrong on our side. Please try again.');
  });
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Prometheus metrics at /metrics. With a token, only `Authorization: Bearer <token>` gets them (401 otherwise). Without
 * one they are served in development and tests only: production answers 404 rather than publish its internals.
 */
export function installMetricsRoute(app: FastifyInstance, opts: { metrics: Metrics; token: string | undefined; open: boolean }) {
  const { metrics, token } = opts;
  if (!token && !opts.open) return;
  const expected = token ? digest(token) : null;
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (expected) {
      const header = request.headers.authorization ?? '';
      const given = header.startsWith('Bearer ') ? header.slice(7) : '';
      // Compared as fixed-length digests, in constant time.
      if (!timingSafeEqual(digest(given), expected)) {
        reply.header('www-authenticate', 'Bearer realm="metrics"');
        return sendError(reply, 401, 'unauthenticated', 'Metrics need the bearer token.');
      }
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
