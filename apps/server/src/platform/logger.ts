import type { DestinationStream, LoggerOptions } from 'pino';
import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import pino from 'pino';
import { AppError } from './errors';

/**
 * Paths pino removes from every line. Secrets and personal data never reach the logs:
 * passwords, tokens, cookies, phone numbers, emails of guardians.
 */
export const redactPaths = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-hub-signature-256"]',
  'res.headers["set-cookie"]',
  'password',
  'passwordHash',
  'currentPassword',
  'newPassword',
  'token',
  'phone',
  'guardianContact',
  '*.password',
  '*.passwordHash',
  '*.currentPassword',
  '*.newPassword',
  '*.token',
  '*.phone',
  '*.guardianContact',
  '*.cookie',
  // A database error's detail can quote the row ("Key (phone)=(…)", "Failing row contains (…)").
  'err.detail',
  'err.cause.detail',
];

/**
 * WhatsApp ids are phone numbers. They are logged masked wherever they appear under this name (support can still tell
 * two conversations apart), so a new log call cannot leak one: `+919812343210` → `+91******3210`.
 */
export const maskedPaths = ['waId', '*.waId', '*.*.waId'];

export function maskPhone(value: unknown): string {
  const digits = String(value ?? '').replace(/\D/g, '');
  if (digits.length < 8) return '[redacted]';
  return `+${digits.slice(0, 2)}******${digits.slice(-4)}`;
}

const REDACTED = '[redacted]';
const censor = (value: unknown, path: string[]) => (path[path.length - 1] === 'waId' ? maskPhone(value) : REDACTED);

export function loggerOptions(level: string, secretPaths?: SecretPaths, node?: string): LoggerOptions {
  return {
    level,
    // In a cluster every line names its node (NODE_ID), so one stream of logs from several nodes can be told apart.
    base: node ? { service: 'tutorline', node } : { service: 'tutorline' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...redactPaths, ...maskedPaths], censor },
    formatters: { level: (label) => ({ level: label }) },
    // Fastify's usual serializers would log headers; these log the path without its query string, never headers.
    serializers: {
      req: (req: LoggedRequest) => serializeRequest(req, secretPaths),
      res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
      err: serializeError,
    },
  };
}

export function createLogger(level: string, stream?: DestinationStream, secretPaths?: SecretPaths, node?: string) {
  return stream ? pino(loggerOptions(level, secretPaths, node), stream) : pino(loggerOptions(level, secretPaths, node));
}
export type Logger = ReturnType<typeof createLogger>;

interface LoggedRequest {
  id: string;
  method: string;
  url: string;
  ip?: string;
  routeOptions?: { url?: string | undefined; config?: { secretParams?: readonly string[] | undefined } | undefined };
}

/**
 * Request serializer: the path without the query string (which may hold a token), never headers; path segments that a
 * route declared secret (`config.secretParams`, platform/http.ts) are replaced by `[redacted]`.
 */
export function serializeRequest(req: LoggedRequest, secretPaths?: SecretPaths) {
  const path = req.url.split('?')[0] ?? '/';
  // The client's address: behind HAProxy (TRUST_PROXY=true) the one X-Forwarded-For names, not the proxy's (decision 066).
  return { id: req.id, method: req.method, path: secretPaths ? secretPaths.redact(path, req.routeOptions) : path, route: req.routeOptions?.url, ...(req.ip ? { ip: req.ip } : {}) };
}

const segmentsOf = (path: string) =>
  path
    .split('/')
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s).toLowerCase();
      } catch {
        return s.toLowerCase();
      }
    });

/**
 * Where secrets sit in request paths (a log-in link's token, a calendar feed's secret, a webhook's credential), learnt
 * from the routes' declarations as they are registered. A request that matched such a route loses exactly the declared
 * segments; one that matched no route (a 404, a wrong method) but starts like a secret route loses everything after
 * the static part, so `/l/<token>/x` is not logged either.
 */
export class SecretPaths {
  private readonly prefixes: string[][] = [];

  /** Called for every route that declares secret params (platform/http.ts). */
  register(url: string): void {
    const prefix: string[] = [];
    for (const segment of url.split('/').filter(Boolean)) {
      if (segment.includes(':') || segment.includes('*')) break;
      prefix.push(segment.toLowerCase());
    }
    if (!this.prefixes.some((p) => p.join('/') === prefix.join('/'))) this.prefixes.push(prefix);
  }

  redact(path: string, route?: LoggedRequest['routeOptions']): string {
    const declared = route?.url ? route.config?.secretParams : undefined;
    if (route?.url && declared?.length) {
      const pattern = route.url.split('/');
      const parts = path.split('/');
      pattern.forEach((segment, i) => {
        if (i < parts.length && declared.some((name) => new RegExp(`:${name}(?![A-Za-z0-9_])`).test(segment))) parts[i] = REDACTED;
      });
      return parts.join('/');
    }
    const segments = segmentsOf(path);
    for (const prefix of this.prefixes) {
      if (segments.length > prefix.length && prefix.every((p, i) => segments[i] === p)) return `/${[...prefix, REDACTED].join('/')}`;
    }
    return path;
  }
}

/**
 * Errors with pino's usual fields, except that a failed query's parameters (emails, phones, password hashes),
 * which Drizzle repeats in the message, the stack and `params`, are replaced: the SQL stays, the values go.
 * An AppError below 500 is an expected business outcome (a payment refused, consent missing), not a fault: its code
 * and message are logged without a stack trace. Stacks are kept for real errors.
 */
export function serializeError(err: Error) {
  if (err instanceof AppError && err.status < 500) return { type: err.name, code: err.code, status: err.status, message: err.message };
  const out = pino.stdSerializers.err(err);
  const params = (err as { params?: unknown }).params;
  if (Array.isArray(params) && params.length) {
    const listed = `params: ${String(params)}`;
    out.message = out.message.replaceAll(listed, 'params: [redacted]');
    if (out.stack) out.stack = out.stack.replaceAll(listed, 'params: [redacted]');
    out.params = '[redacted]';
  }
  return out;
}

/** One log line per request, written when it completes (Fastify's default writes two). */
export class OneLinePerRequest extends LogController {
  override incomingRequest() {}
  /** Fastify's default would log the raw URL; this goes through the request serializer, which redacts secrets. */
  override routeNotFound(request: FastifyRequest) {
    if (this.isLogDisabled(request)) return;
    request.log.info({ req: request }, 'route not found');
  }
  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply) {
    if (this.isLogDisabled(request)) return;
    if (error) reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}
