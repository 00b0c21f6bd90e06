import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { Agent } from 'node:https';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, validatorCompiler } from 'fastify-type-provider-zod';
import type { DestinationStream } from 'pino';
import type { Config } from './config';
import { billingModule, type BillingMoney, type BillingProviders, type LedgerPort, type PaymentProviderAdapter, type Provider } from './modules/billing';
import { classesModule } from './modules/classes';
import { classMediaModule } from './modules/classmedia';
import { classroomModule } from './modules/classroom';
import { connectivityModule } from './modules/connectivity';
import { helpModule, type PhotoCleanup } from './modules/help';
import { auditModule } from './modules/audit';
import { supportModule } from './modules/support';
import { onboardingModule } from './modules/onboarding';
import { guardiansModule } from './modules/guardians';
import { createIdentityRepo, identityModule, type IdentityService } from './modules/identity';
import { mediaModule } from './modules/media';
import { type NotificationChannel, notificationsModule } from './modules/notifications';
import { type AbandonedSweep, roomsModule } from './modules/rooms';
import { schedulingModule } from './modules/scheduling';
import { tutorsModule } from './modules/tutors';
import { type WhatsApp, type WhatsAppFlowConfig, whatsappModule } from './modules/whatsapp';
import { type Sfu, sfuModule } from './integrations/janus';
import { recordingsModule } from './modules/recordings';
import { sessionRecModule } from './modules/sessionrec';
import { recommendationsModule, type RecommendationsModuleOptions } from './modules/recommendations';
import { type OpsModuleOptions, opsModule } from './modules/ops';
import { ltiModule } from './modules/lti';
import { safetyModule } from './modules/safety';
import { retentionModule } from './modules/retention';
import { privacyModule } from './modules/privacy';
import type { FakeGraph } from './integrations/whatsapp';
import type { PayoutAdapter } from './integrations/payouts';
import { createPlatform } from './platform/platform';
import { rateLimitStore } from './platform/rate-limit';
import type { JobRunner } from './platform/jobs';
import type { Realtime } from './platform/realtime';
import { devClockRoutes } from './platform/dev-clock';
import { type Clock, movableClock, systemClock } from './platform/clock';
import { type Database, openDatabase } from './platform/db';
import { installHttpBasics, installMetricsRoute, isLoopbackHost } from './platform/http';
import { installInstallableApp } from './platform/web-app';
import { createLogger, type Logger, OneLinePerRequest, SecretPaths } from './platform/logger';
import { createMetrics, type Metrics } from './platform/metrics';
import { zodToFastJsonSerializer } from './platform/serializer';
import { seedDemoData } from './seed/demo';

export interface AppOptions {
  /** An already-open database (tests); otherwise one is opened from the config and closed with the app. */
  database?: Database;
  clock?: Clock;
  /** Where log lines go (tests capture them); stdout by default. */
  logStream?: DestinationStream;
  /** Channels for the notification outbox (tests pass fakes; WhatsApp arrives with #5). */
  channels?: NotificationChannel[];
  /** The HTTPS agent Web Push posts through (tests trust their local push service with it). */
  pushAgent?: Agent;
  /** Don't start the job runner (tests that drive jobs themselves). */
  manualJobs?: boolean;
  /** WhatsApp conversation timings (tests shorten them). */
  whatsappFlow?: Partial<WhatsAppFlowConfig>;
  /** Draws WhatsApp link codes (tests force a collision); random by default. */
  whatsappLinkCodes?: () => string;
  /** Where tutor payouts go (billing); an in-memory fake by default. */
  payoutAdapter?: PayoutAdapter;
  /** How the account-wide log-in slow-down waits (tests observe it instead of waiting); a timer by default. */
  loginDelay?: (ms: number) => Promise<void>;
  /** Billing's provider side: a stand-in ledger port and extra or replacement payment adapters (tests). */
  payments?: { ledger?: LedgerPort; adapters?: Partial<Record<Provider, PaymentProviderAdapter>> };
  /** A media server the caller runs (tests: Janus in a network namespace) instead of the one the config starts. */
  sfu?: Sfu;
  /** Recommendations' serving and training settings (tests: exploration share, a worker that crashes). */
  recommendations?: RecommendationsModuleOptions;
  /** The ops dashboard's throttle and rollup windows (tests shorten them). */
  ops?: OpsModuleOptions;
}

export interface App {
  fastify: FastifyInstance;
  realtime: Realtime;
  database: Database;
  metrics: Metrics;
  logger: Logger;
  config: Config;
  /** The clock every timestamp the application decides comes from (tests stamp their own rows with it). */
  clock: Clock;
  jobs: JobRunner;
  /** The identity service (tests and tools make log-in links and accounts through it). */
  identity: IdentityService;
  /** WhatsApp, when a provider is configured; with the simulator, its fake Graph API too. */
  whatsapp: { whatsapp: WhatsApp; fakeGraph: FakeGraph | null } | null;
  /** Whether demo data was seeded on this start. */
  seeded: boolean;
  /** Billing's money side: ledger (and the LedgerPort), entitlements, payouts, reports, plans. */
  billing: BillingMoney;
  /** Billing's provider side: checkouts, the webhook inbox, refunds, reconciliation, and the fake provider in development. */
  payments: BillingProviders;
  /** The periodic cleanup of photos never attached to a question (tests run it directly). */
  photoCleanup: PhotoCleanup;
  /** The periodic sweep that ends instant-help sessions both people left (tests run it directly). */
  abandonedSweep: AbandonedSweep;
  listen(): Promise<string>;
  /** Stopping behind a load balancer: /readyz answers 503 from now on; everything else is served as before. */
  drain(): void;
  close(): Promise<void>;
}

const safeRequestId = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * Builds Fastify and Socket.IO on one HTTP server from a config. Tests call it with port 0.
 * The platform first (one typed context every module reaches as `fastify.platform`), then the modules, each a
 * plugin that registers its routes, jobs, sweeps and socket handlers and declares the modules it needs (decision 042).
 */
export async function buildApp(config: Config, opts: AppOptions = {}): Promise<App> {
  // Filled from the routes' secretParams declarations as they register (installHttpBasics), read by the request log.
  const secretPaths = new SecretPaths();
  const logger = createLogger(config.logLevel, opts.logStream, secretPaths, config.nodeId);
  const movable = !opts.clock && config.clockControl ? movableClock() : null;
  const clock = opts.clock ?? movable ?? systemClock;
  const metrics = createMetrics();
  const ownsDatabase = !opts.database;
  const database = opts.database ?? (await openDatabase(config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl, poolMax: config.dbPoolMax } : { kind: 'pglite', dataDir: config.dataDir }, { logger }));
  warnIfDevelopmentExposed(config, logger);
  const fastify = createFastify(config, logger);

  // Socket.IO, jobs, the signer, storage, events and ports: one typed context every module reaches as fastify.platform.
  const { realtime, jobs, counters } = await createPlatform(fastify, { config, database, clock, logger, metrics });

  const hasWeb = fs.existsSync(path.join(config.webDist, 'index.html'));
  installHttpBasics(fastify, { metrics, allowedOrigins: config.allowedOrigins, spaIndex: hasWeb ? 'index.html' : undefined, https: config.secureCookies, secretPaths });
  await fastify.register(fastifyCookie);
  // With REDIS_URL every node counts every limit in Redis, so N nodes do not give N times the limit (decision 085).
  await fastify.register(fastifyRateLimit, { global: false, ...(config.redisUrl ? { store: rateLimitStore(counters) } : {}) });
  const readiness = { draining: false };
  await installDocsAndProbes(fastify, database, config, metrics, readiness, realtime);
  await fastify.register(fastifyMultipart);
  if (movable) await fastify.register(devClockRoutes, { clock: movable, logger });

  // The modules; each declares what it needs, and fastify-plugin refuses one registered before its dependencies.
  await fastify.register(identityModule, { loginDelay: opts.loginDelay });
  await fastify.register(auditModule);
  await fastify.register(mediaModule);
  await fastify.register(notificationsModule, { channels: opts.channels, pushAgent: opts.pushAgent });
  await fastify.register(roomsModule);
  await fastify.register(helpModule);
  const seeded = config.seedDemo ? await seedDemoData(createIdentityRepo(database.db), clock, logger, database.db) : false;
  await fastify.register(whatsappModule, { flow: opts.whatsappFlow, drawLinkCode: opts.whatsappLinkCodes });
  await fastify.register(connectivityModule);
  await fastify.register(schedulingModule);
  await fastify.register(tutorsModule);
  await fastify.register(classesModule);
  await fastify.register(billingModule, { payoutAdapter: opts.payoutAdapter, payments: opts.payments });
  // Janus for group classes (#15): started here when SFU=janus and the binary is on the PATH; status says why not.
  await fastify.register(sfuModule, { api: opts.sfu });
  await fastify.register(classroomModule);
  // Class recordings through the SFU: conversion job, retention sweep, streaming (#15, decision 049); watched by the
  // class's teacher, its enrolled learners and admins (the classroom asks the classes module).
  // A 1:1 session's recording (room_ref `session:<id>`, decision 056) is watched by its two participants and staff.
  await fastify.register(recordingsModule, {
    authorize: (viewer, rec) => (rec.roomRef.startsWith('session:') ? fastify.sessionRec.mayWatch(rec.roomRef, viewer) : fastify.classroom.mayWatchRecordings(rec.roomRef, viewer)),
  });
  await fastify.register(classMediaModule);
  // 1:1 sessions recorded when both agree: the call moves to the SFU and Janus records both (#15, decision 056).
  await fastify.register(sessionRecModule);
  // Tutor recommendations (#17): EASE trained in a worker thread by a durable job; every node serves the latest model.
  await fastify.register(recommendationsModule, opts.recommendations ?? {});
  // LTI 1.3: registrations, tool keys, OIDC launch, dynamic registration, the /dev/lms simulator (#16).
  await fastify.register(ltiModule);
  // Support (#18): "Report a problem" tickets and their queue.
  await fastify.register(supportModule);
  // Tutor onboarding (#18): applications with private documents, review, approval per subject and level (decision 063).
  await fastify.register(onboardingModule);
  await fastify.register(guardiansModule);
  // Safety (#20): contact details masked for minors, reports and blocks, severe escalation, long calls with minors.
  await fastify.register(safetyModule);
  // Retention (#20): one daily job deletes what the schedule says is old, module by module, except what a report holds.
  await fastify.register(retentionModule);
  // Data rights (#20): exports of a user's data, built by a job, downloaded through a signed link that expires.
  // Erasure (#20, decision 077) deletes a user's recordings through the recordings module.
  await fastify.register(privacyModule, { removeRecording: (id) => fastify.recordings.remove(id, 'deleted') });
  // The live operations dashboard (#18): rollups of every module's figures, the summary, pushes to staff (decision 060).
  await fastify.register(opsModule, opts.ops ?? {});

  // preCompressed: the build wrote .br and .gz next to each text file (decision 089); the smallest one the browser
  // accepts is sent, with Vary: Accept-Encoding, and the plain file otherwise. The copies get no routes of their own.
  if (hasWeb) await fastify.register(fastifyStatic, { root: config.webDist, wildcard: false, index: false, maxAge: '1h', preCompressed: true, globIgnore: ['**/*.br', '**/*.gz'] });
  if (hasWeb) installInstallableApp(fastify);
  // Jobs and sockets first, or the HTTP server would wait for upgraded connections before it can close.
  fastify.addHook('preClose', async () => {
    await jobs.stop();
    await realtime.close();
    await counters.close();
  });
  fastify.addHook('onClose', async () => {
    if (ownsDatabase) await database.close();
  });
  await fastify.ready();
  if (!opts.manualJobs) jobs.start();

  return {
    fastify, realtime, database, metrics, logger, config, clock, seeded, jobs,
    ...registeredModules(fastify),
    listen: () => fastify.listen({ host: config.host, port: config.port }),
    drain: () => {
      readiness.draining = true;
    },
    close: () => fastify.close(),
  };
}

/** What App hands out of the registered modules (read back from their decorations). */
function registeredModules(fastify: FastifyInstance): Pick<App, 'identity' | 'whatsapp' | 'billing' | 'payments' | 'photoCleanup' | 'abandonedSweep'> {
  return {
    identity: fastify.identity,
    whatsapp: fastify.whatsapp,
    billing: fastify.billing.money,
    payments: fastify.billing.payments,
    photoCleanup: fastify.help.photoCleanup,
    abandonedSweep: fastify.rooms.abandonedSweep,
  };
}

function warnIfDevelopmentExposed(config: Config, logger: Logger): void {
  if (config.env !== 'development' || isLoopbackHost(config.host)) return;
  logger.warn(
    { event: 'development_mode_exposed', host: config.host },
    `DEVELOPMENT MODE ON A NON-LOOPBACK INTERFACE (HOST=${config.host}): other machines can reach this server with development settings. ` +
      'Development tools under /dev/ answer only to this machine; set NODE_ENV=production to deploy.',
  );
}

function createFastify(config: Config, logger: Logger): FastifyInstance {
  const fastify: FastifyInstance = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new OneLinePerRequest(),
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
  fastify.setSerializerCompiler(zodToFastJsonSerializer);
  return fastify;
}

/** The OpenAPI document and its UI, liveness and readiness probes, and /metrics. */
async function installDocsAndProbes(fastify: FastifyInstance, database: Database, config: Config, metrics: Metrics, readiness: { draining: boolean }, realtime: Realtime): Promise<void> {
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
    // A draining node is healthy but leaving: the load balancer stops sending it new requests (decision 066).
    if (readiness.draining) return reply.status(503).send({ status: 'draining', error: { code: 'service_unavailable', message: 'This node is shutting down and takes no new work.' } });
    const ok = await database.ping();
    // Redis down degrades realtime on every node alike, so it is reported but never makes a node unready: the balancer
    // would take them all out at once, and everything but cross-node events still works.
    const redis = realtime.redisUp();
    const body = { status: 'ready', database: database.kind, ...(redis === null ? {} : { realtime: redis ? 'redis' : 'degraded' }) };
    return reply.status(ok ? 200 : 503).send(ok ? body : { error: { code: 'service_unavailable', message: 'The database is not reachable.' } });
  });
  installMetricsRoute(fastify, { metrics, ...config.metrics });
}
