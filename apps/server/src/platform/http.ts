import type { Access, FieldIssue } from '@tutorline/contracts';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError } from './errors';
import type { Metrics } from './metrics';


declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route; every /api route must say (checked at registration). */
    access?: Access;
    /** Skip the Origin check, for server-to-server callers such as payment webhooks. */
    allowCrossOrigin?: boolean;
  }
}

const stateChanging = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Security headers, as constant objects set once per response. (@fastify/helmet did the same for about
 * 25 µs a request, 40% of a health check: see docs/decisions/006-security-headers.md.)
 * Nothing loads from another host: children use this, and a third-party request is data sharing.
 */
const documentCsp =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; " +
  "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
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
export function installHttpBasics(app: FastifyInstance, opts: { metrics: Metrics; allowedOrigins: string[]; spaIndex?: string | undefined; https?: boolean }) {
  const { metrics, allowedOrigins, spaIndex } = opts;
  const securityHeaders = opts.https ? { ...baseSecurityHeaders, ...httpsHeaders } : baseSecurityHeaders;
  // The API speaks JSON only; Fastify's built-in text/plain parser would hand handlers a string, answered 400 instead of 415.
  app.removeContentTypeParser('text/plain');

  app.addHook('onRoute', (route) => {
    if (!route.config?.access && route.url.startsWith('/api/') && !route.url.startsWith('/api/docs')) {
      throw new Error(`Route ${route.method} ${route.url} does not declare config.access`);
    }
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
    if (spaIndex && (request.method === 'GET' || request.method === 'HEAD') && !/^\/(api|socket\.io)(\/|$)/.test(pathname) && request.headers.accept?.includes('text/html')) {
      return reply.type('text/html').header('cache-control', 'no-cache').sendFile(spaIndex);
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
