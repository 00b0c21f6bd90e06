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

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { service: 'tutorline' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactPaths, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
    // Fastify's usual serializers would log headers; these log the path without its query string, never headers.
    serializers: {
      req: serializeRequest,
      res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
      err: serializeError,
    },
  };
}

export function createLogger(level: string, stream?: DestinationStream) {
  return stream ? pino(loggerOptions(level), stream) : pino(loggerOptions(level));
}
export type Logger = ReturnType<typeof createLogger>;

/** Request serializer: path without the query string (which may hold a token), never headers. */
export function serializeRequest(req: { id: string; method: string; url: string; ip?: string; routeOptions?: { url?: string } }) {
  return { id: req.id, method: req.method, path: req.url.split('?')[0], route: req.routeOptions?.url };
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
  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply) {
    if (this.isLogDisabled(request)) return;
    if (error) reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}
