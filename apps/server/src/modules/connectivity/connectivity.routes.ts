import { randomBytes } from 'node:crypto';
import { CHECK_LIMITS, checkIceServersSchema, checkUploadResultSchema, connectivityReportBodySchema, connectivityReportSchema, errorBodySchema } from '@tutorline/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../platform/errors';
import { SESSION_COOKIE } from '../identity';
import type { ConnectivityService } from './connectivity.service';

export interface ConnectivityRouteOptions {
  connectivity: ConnectivityService;
  /** The logged-in user behind a session cookie, if any: the page is public, but a report remembers who ran it. */
  resolveSession(token: string | undefined): Promise<{ id: string } | null>;
}

/** Requests per IP per minute. Generous, as a whole school may share one address; one run of the page uses one of each. */
const LIMITS = { iceServers: 30, reports: 20, transfer: 40 } as const;
const MINUTE = 60_000;
const MAX_BYTES = CHECK_LIMITS.maxTransferBytes;

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 413: errorBodySchema, 415: errorBodySchema, 429: errorBodySchema };

/** What the octet-stream parser leaves as the body: only a count, the bytes themselves are dropped as they arrive. */
class DiscardedBody {
  constructor(readonly bytes: number) {}
}
const tooLarge = () => new AppError(413, 'payload_too_large', `Send at most ${MAX_BYTES} bytes.`);

export async function connectivityRoutes(fastify: FastifyInstance, opts: ConnectivityRouteOptions) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { connectivity } = opts;
  const perIp = (name: string, max: number) =>
    app.rateLimit({
      max,
      timeWindow: MINUTE,
      keyGenerator: (req) => `check-${name}:${req.ip}`,
      errorResponseBuilder: () => new AppError(429, 'rate_limited', 'Too many tests from this network. Please wait a minute and try again.'),
    });

  // Scoped to this plugin: counts and drops the upload test's bytes without ever holding them.
  app.addContentTypeParser('application/octet-stream', (request, payload, done) => {
    if (Number(request.headers['content-length']) > MAX_BYTES) return done(tooLarge(), undefined);
    let bytes = 0;
    let settled = false;
    const settle = (err: Error | null, body?: DiscardedBody) => {
      if (settled) return;
      settled = true;
      done(err, body);
    };
    payload.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > MAX_BYTES) settle(tooLarge());
    });
    payload.on('end', () => settle(null, new DiscardedBody(bytes)));
    payload.on('error', (err) => settle(err));
  });

  // One random buffer, sliced per request: random bytes do not compress, so a proxy cannot make the estimate look faster.
  const noise = randomBytes(MAX_BYTES);

  app.get('/api/check/ice-servers', {
    config: { access: 'public' },
    onRequest: perIp('ice', LIMITS.iceServers),
    schema: { tags: ['check'], summary: 'STUN and a short-lived TURN credential for the connectivity self-test', response: { 200: checkIceServersSchema, 429: errorBodySchema } },
    handler: async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      return connectivity.checkIceServers();
    },
  });

  app.post('/api/check/reports', {
    config: { access: 'public' },
    onRequest: perIp('reports', LIMITS.reports),
    schema: { tags: ['check'], summary: 'Save a self-test result; answers with its short id for support', body: connectivityReportBodySchema, response: { 201: connectivityReportSchema, ...errors } },
    handler: async (request, reply) => {
      const user = await opts.resolveSession(request.cookies[SESSION_COOKIE]);
      const report = await connectivity.saveReport(request.body, { userId: user?.id ?? null, ip: request.ip ?? null });
      return reply.status(201).send(report);
    },
  });

  app.get('/api/check/reports/:id', {
    config: { access: ['support'] },
    schema: {
      tags: ['check', 'admin'],
      summary: 'A self-test report by its id (any case, dash optional)',
      params: z.strictObject({ id: z.string().max(32, 'is not a report id') }),
      response: { 200: connectivityReportSchema, ...errors },
    },
    handler: async (request) => connectivity.getReport(request.params.id),
  });

  app.post('/api/check/upload', {
    config: { access: 'public' },
    onRequest: perIp('upload', LIMITS.transfer),
    schema: { tags: ['check'], summary: `Upload-speed test: send up to ${MAX_BYTES} bytes of application/octet-stream; they are thrown away`, consumes: ['application/octet-stream'], response: { 200: checkUploadResultSchema, ...errors } },
    handler: async (request: FastifyRequest, reply) => {
      if (!(request.body instanceof DiscardedBody)) {
        throw new AppError(415, 'unsupported_media_type', 'Send the test data as application/octet-stream.');
      }
      reply.header('cache-control', 'no-store');
      return { bytes: request.body.bytes };
    },
  });

  app.get('/api/check/download', {
    config: { access: 'public' },
    onRequest: perIp('download', LIMITS.transfer),
    schema: {
      tags: ['check'],
      summary: `Download-speed test: N random bytes (N at most ${MAX_BYTES})`,
      querystring: z.strictObject({ bytes: z.coerce.number('must be a number').int('must be a whole number').min(1, 'must be at least 1').max(MAX_BYTES, `must be at most ${MAX_BYTES}`) }),
    },
    handler: async (request, reply) =>
      reply.header('content-type', 'application/octet-stream').header('cache-control', 'no-store').send(noise.subarray(0, request.query.bytes)),
  });
}
