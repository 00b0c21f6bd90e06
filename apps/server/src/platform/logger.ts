import type { DestinationStream, LoggerOptions } from 'pino';
import pino from 'pino';

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
      err: pino.stdSerializers.err,
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
