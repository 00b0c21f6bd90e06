import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { DestinationStream } from 'pino';
import type { Config } from './config';
import { createIdentityRepo, createIdentityService, identityRoutes, installAuth, socketAuthenticator, subjectsCatalogue } from './modules/identity';
import { type Clock, systemClock } from './platform/clock';
import { type Database, openDatabase } from './platform/db';
import { installHttpBasics } from './platform/http';
import { createLogger, type Logger } from './platform/logger';
import { createMetrics, type Metrics } from './platform/metrics';
import { createRealtime, type Realtime } from './platform/realtime';
import { seedDemoData } from './seed/demo';

export interface AppOptions {
  /** An already-open database (tests); otherwise one is opened from the config and closed with the app. */
  database?: Database;
  clock?: Clock;
  /** Where log lines go (tests capture them); stdout by default. */
  logStream?: DestinationStream;
}

export interface App {
  fastify: FastifyInstance;
  realtime: Realtime;
  database: Database;
  metrics: Metrics;
  logger: Logger;
  config: Config;
  /** Whether demo data was seeded on this start. */
  seeded: boolean;
  listen(): Promise<string>;
  close(): Promise<void>;
}

const safeRequestId = /^[A-Za-z0-9._-]{8,64}$/;

/** Builds Fastify and Socket.IO on one HTTP server from a config. Tests call it with port 0. */
export async function buildApp(config: Config, opts: AppOptions = {}): Promise<App> {
  const logger = createLogger(config.logLevel, opts.logStream);
  const clock = opts.clock ?? systemClock;
  const metrics = createMetrics();
  const ownsDatabase = !opts.database;
  const database =
    opts.database ??
    (await openDatabase(
      config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl, poolMax: config.dbPoolMax } : { kind: 'pglite', dataDir: config.dataDir },
    ));

  const fastify: FastifyInstance = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    trustProxy: config.trustProxy,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && safeRequestId.test(incoming) ? incoming : randomUUID();
    },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true },
  });
  fastify.setValidatorCompiler(validatorCompiler);
  fastify.setSerializerCompiler(serializerCompiler);

  const identityRepo = createIdentityRepo(database.db);
  // Socket.IO starts after the routes; until then there are no sockets to close.
  let closeSessionSockets: (ids: string[], reason: string) => void = () => {};
  const identity = createIdentityService({
    repo: identityRepo,
    clock,
    logger,
    sessionTtlMs: config.sessionTtlMs,
    onSessionsRevoked: (ids, reason) => closeSessionSockets(ids, reason),
  });

  await identityRepo.upsertSubjects(subjectsCatalogue);
  const seeded = config.seedDemo ? await seedDemoData(identityRepo, clock, logger) : false;

  const indexHtml = path.join(config.webDist, 'index.html');
  const hasWeb = fs.existsSync(indexHtml);
  installHttpBasics(fastify, { metrics, allowedOrigins: config.allowedOrigins, spaIndex: hasWeb ? 'index.html' : undefined });
  await fastify.register(fastifyCookie);
  await fastify.register(fastifyRateLimit, { global: false });
  installAuth(fastify, identity);

  await fastify.register(fastifySwagger, {
    openapi: {
      info: { title: 'Tutorline API', version: '0.1.0', description: 'Instant help, scheduled tutoring and a live classroom.' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'tl_session' } } },
    },
    transform: jsonSchemaTransform,
  });
  await fastify.register(fastifySwaggerUi, { routePrefix: '/api/docs/ui' });
  fastify.get('/api/docs', { schema: { hide: true } }, async () => fastify.swagger());

  fastify.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  fastify.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const ok = await database.ping();
    return reply.status(ok ? 200 : 503).send(ok ? { status: 'ready', database: database.kind } : { error: { code: 'service_unavailable', message: 'The database is not reachable.' } });
  });
  fastify.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  await fastify.register(identityRoutes, { identity, clock, secureCookies: config.secureCookies, login: config.login });

  if (hasWeb) {
    await fastify.register(fastifyStatic, { root: config.webDist, wildcard: false, index: false, maxAge: '1h' });
  }

  const realtime = await createRealtime(fastify.server, {
    allowedOrigins: config.allowedOrigins,
    redisUrl: config.redisUrl,
    logger,
    metrics,
    authenticate: socketAuthenticator(fastify, identity),
  });
  closeSessionSockets = (ids, reason) => {
    for (const id of ids) realtime.disconnectSession(id, reason);
  };
  // Sockets first, or the HTTP server would wait for upgraded connections before it can close.
  fastify.addHook('preClose', async () => realtime.close());
  fastify.addHook('onClose', async () => {
    if (ownsDatabase) await database.close();
  });

  await fastify.ready();

  return {
    fastify,
    realtime,
    database,
    metrics,
    logger,
    config,
    seeded,
    listen: () => fastify.listen({ host: config.host, port: config.port }),
    close: () => fastify.close(),
  };
}
