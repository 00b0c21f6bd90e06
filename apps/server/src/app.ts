import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
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
import { userRoom } from '@tutorline/contracts';
import { createDispatch, createHelpRepo, createHelpService, createPhotoCleanup, type PhotoCleanup, defaultHelpRates, EXPIRE_QUEUE, type HelpEmitter, helpRoutes, WAVE_QUEUE } from './modules/help';
import { createIdentityRepo, createIdentityService, type IdentityService, identityRoutes, installAuth, loginLimitsOf, socketAuthenticator, subjectsCatalogue } from './modules/identity';
import { createMediaRepo, createPhotoService, createUploadQuota } from './modules/media';
import { createInbox, createNotifications, NOTIFY_QUEUE, type NotificationChannel, notificationsRoutes } from './modules/notifications';
import { installWhatsApp, type WhatsApp, type WhatsAppFlowConfig } from './modules/whatsapp';
import type { FakeGraph } from './integrations/whatsapp';
import { type AbandonedSweep, createAbandonedSweep, createRoomsRepo, createRoomsService, installRoomHandlers, roomsRoutes } from './modules/rooms';
import { connectivityRoutes, createConnectivityRepo, createConnectivityService } from './modules/connectivity';
import {
  createCalendarService,
  createLessonsRepo,
  createLessonsService,
  createSchedulingRepo,
  createSchedulingService,
  createSeriesService,
  HOLD_SWEEP_QUEUE,
  lessonsRoutes,
  REMINDER_QUEUE,
  type ReminderPayload,
  scheduleHoldSweep,
  schedulingRoutes,
} from './modules/scheduling';
import { createTutorsRepo, createTutorsService, tutorsRoutes } from './modules/tutors';
import { type BillingMoney, billingMoneyRoutes, bookingOutcomeMoney, bookingPaymentPolicy, createBillingMoney } from './modules/billing';
import { type BillingProviders, installBillingProviders, type LedgerPort, type PaymentProviderAdapter, type Provider } from './modules/billing';
import { createFakePayouts, type PayoutAdapter } from './integrations/payouts';
import { createJobRunner, type JobRunner } from './platform/jobs';
import { createSigner, loadOrCreateSigningSecret } from './platform/signing';
import { createLocalStorage } from './platform/storage';
import { devClockRoutes } from './platform/dev-clock';
import { type Clock, movableClock, systemClock } from './platform/clock';
import { type Database, openDatabase } from './platform/db';
import { installHttpBasics, installMetricsRoute, isLoopbackHost } from './platform/http';
import { createLogger, type Logger, OneLinePerRequest, SecretPaths } from './platform/logger';
import { createMetrics, type Metrics } from './platform/metrics';
import { createRealtime, type Realtime } from './platform/realtime';
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
  close(): Promise<void>;
}

const safeRequestId = /^[A-Za-z0-9._-]{8,64}$/;

/** Builds Fastify and Socket.IO on one HTTP server from a config. Tests call it with port 0. */
export async function buildApp(config: Config, opts: AppOptions = {}): Promise<App> {
  // Filled from the routes' secretParams declarations as they register (installHttpBasics), read by the request log.
  const secretPaths = new SecretPaths();
  const logger = createLogger(config.logLevel, opts.logStream, secretPaths);
  const movable = !opts.clock && config.clockControl ? movableClock() : null;
  const clock = opts.clock ?? movable ?? systemClock;
  const metrics = createMetrics();
  const ownsDatabase = !opts.database;
  const database =
    opts.database ??
    (await openDatabase(
      config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl, poolMax: config.dbPoolMax } : { kind: 'pglite', dataDir: config.dataDir },
      { logger },
    ));
  if (config.env === 'development' && !isLoopbackHost(config.host)) {
    logger.warn(
      { event: 'development_mode_exposed', host: config.host },
      `DEVELOPMENT MODE ON A NON-LOOPBACK INTERFACE (HOST=${config.host}): other machines can reach this server with development settings. ` +
        'Development tools under /dev/ answer only to this machine; set NODE_ENV=production to deploy.',
    );
  }

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

  // Socket.IO shares Fastify's HTTP server. Its callbacks run only once sockets connect, after every service
  // below exists, so they may refer to `identity` before its declaration (as the rooms hook does with `help`).
  const realtime = await createRealtime(fastify.server, {
    allowedOrigins: config.allowedOrigins,
    redisUrl: config.redisUrl,
    clock,
    logger,
    metrics,
    authenticate: (cookieHeader) => authenticateSocket(cookieHeader),
    onUserChanged: (userId) => identity.forgetUser(userId),
    peers: database.peers,
    onPeersGap: () => identity.forgetAllUsers(),
  });

  const identityRepo = createIdentityRepo(database.db);
  const identity = createIdentityService({
    repo: identityRepo,
    clock,
    logger,
    sessionTtlMs: config.sessionTtlMs,
    onSessionsRevoked: (ids, reason) => {
      for (const id of ids) realtime.disconnectSession(id, reason);
    },
    sessionCacheTtlMs: config.sessionCacheTtlMs,
    onUserChanged: (userId) => realtime.broadcastUserChanged(userId),
    loginLimits: loginLimitsOf(config.login),
    ...(opts.loginDelay ? { loginDelay: opts.loginDelay } : {}),
  });
  const authenticateSocket = socketAuthenticator(fastify, identity);

  await identityRepo.upsertSubjects(subjectsCatalogue);
  const helpRepo = createHelpRepo(database.db);
  await helpRepo.upsertRates(defaultHelpRates);
  const seeded = config.seedDemo ? await seedDemoData(identityRepo, clock, logger, database.db) : false;

  const indexHtml = path.join(config.webDist, 'index.html');
  const hasWeb = fs.existsSync(indexHtml);
  installHttpBasics(fastify, { metrics, allowedOrigins: config.allowedOrigins, spaIndex: hasWeb ? 'index.html' : undefined, https: config.secureCookies, secretPaths });
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
  installMetricsRoute(fastify, { metrics, ...config.metrics });

  await fastify.register(fastifyMultipart);
  if (movable) await fastify.register(devClockRoutes, { clock: movable, logger });
  await fastify.register(identityRoutes, { identity, clock, secureCookies: config.secureCookies, login: config.login });

  // Help's events go to the users' open apps, and (once it is set up) to their WhatsApp numbers.
  let mirrorToWhatsApp: WhatsApp['onHelpEvent'] | null = null;
  const emit: HelpEmitter = (userIds, event, ...args) => {
    if (!userIds.length) return;
    realtime.io.to(userIds.map(userRoom)).emit(event, ...args);
    mirrorToWhatsApp?.(userIds, event, args[0]).catch((err: unknown) => logger.error({ err, event: 'whatsapp_mirror_failed', helpEvent: event }, 'could not queue a whatsapp update'));
  };
  const jobs = createJobRunner({ db: database.db, clock, logger, pollMs: config.jobsPollMs });
  const channels = [...(opts.channels ?? [])];
  const notifications = createNotifications({ channels, clock, logger });
  const dispatchConfig = { ...config.help };
  // Production without SIGNING_SECRET signs nothing (config refuses it when a feature needs signed links).
  const signingSecret = config.signingSecret ?? (config.env === 'production' ? undefined : loadOrCreateSigningSecret(config.dataDir));
  // The hook runs only after both services exist, so referring to `help` below is safe.
  // Every upload route stores through this service, so each counts against the uploader's rate and daily quota.
  const uploadQuota = createUploadQuota({ repo: createMediaRepo(database.db), clock, logger, limits: config.uploads });
  const photos = createPhotoService(createLocalStorage(path.join(config.dataDir, 'files')), { quota: uploadQuota });
  const rooms = createRoomsService({
    repo: createRoomsRepo(database.db),
    clock,
    logger,
    ice: config.ice,
    photos,
    io: realtime.io,
    hooks: { onSessionEnded: (s) => help.recordSessionEnded(s), onSessionOpened: (s) => help.announceAvailability(s.tutorId) },
  });
  installRoomHandlers({ io: realtime.io, rooms, logger, now: () => performance.now() });
  const billing = createBillingMoney({ db: database.db, clock, logger, config: config.billing, payoutAdapter: opts.payoutAdapter ?? createFakePayouts() });
  const help = createHelpService({
    repo: helpRepo,
    rooms,
    photos,
    clock,
    logger,
    emit,
    jobs,
    config: dispatchConfig,
    ...(signingSecret ? { sharing: { signer: createSigner(signingSecret, { maxTtlSeconds: config.signedLinkMaxSeconds }), publicUrl: config.publicUrl } } : {}),
    billing: billing.helpBilling,
  });
  const dispatch = createDispatch({ repo: helpRepo, notifications, clock, logger, emit, jobs, config: dispatchConfig, scarceThreshold: config.help.scarceThreshold, onlineUserIds: () => realtime.onlineUserIds(), billing: billing.helpBilling });
  jobs.register(WAVE_QUEUE, (payload) => dispatch.wave(payload));
  jobs.register(EXPIRE_QUEUE, (payload) => dispatch.expire(payload.questionId));
  jobs.register(NOTIFY_QUEUE, (payload) => notifications.deliver(payload));
  await fastify.register(helpRoutes, { help });
  // Photos uploaded but never attached to a question are deleted after a while; the quota's old counters go too.
  const photoCleanup = createPhotoCleanup({
    repo: helpRepo,
    photos,
    clock,
    logger,
    keptMs: config.uploads.unattachedKeptMs,
    alsoPrune: (now) => uploadQuota.pruneBefore(new Date(now.getTime() - 2 * 86_400_000)),
  });
  await photoCleanup.install(jobs, database.db);
  await fastify.register(billingMoneyRoutes, { entitlements: billing.entitlements, reports: billing.reports, plans: billing.plans });
  await billing.payouts.installSchedule(jobs, database.db);
  const wa = await installWhatsApp(fastify, {
    config: config.whatsapp,
    publicUrl: config.publicUrl,
    signingSecret,
    db: database.db,
    clock,
    logger,
    jobs,
    identity,
    help,
    ...(opts.whatsappFlow ? { flow: opts.whatsappFlow } : {}),
    ...(opts.whatsappLinkCodes ? { drawLinkCode: opts.whatsappLinkCodes } : {}),
  });
  if (wa) {
    channels.push(wa.whatsapp.channel);
    mirrorToWhatsApp = wa.whatsapp.onHelpEvent;
  }
  await fastify.register(roomsRoutes, { rooms });
  // Instant-help rooms both people left without pressing End are ended after a grace period (their tutor is busy while open).
  const abandonedSweep = createAbandonedSweep({ rooms, clock, logger, graceMs: config.rooms.abandonedAfterMs });
  await abandonedSweep.install(jobs, database.db);
  const connectivity = createConnectivityService({ repo: createConnectivityRepo(database.db), clock, logger, ice: config.ice });
  await fastify.register(connectivityRoutes, { connectivity, resolveSession: (token) => identity.resolveSession(token) });
  // In-app notices: stored with the change, then pushed to the user's open apps.
  const inbox = createInbox({ db: database.db, logger, push: (userId, notice) => realtime.io.to(userRoom(userId)).emit('notification:new', notice) });
  await fastify.register(notificationsRoutes, { inbox, clock });
  const schedulingRepo = createSchedulingRepo(database.db);
  // Booked lessons are paid at booking when a payment provider is on: held, paid through billing's checkout, then
  // confirmed (billing.bookings.ts); with payments off (or a free lesson) they are confirmed at once.
  // A paid lesson's outcome (cancelled, late, a no-show) refunds or keeps its money: decided and queued with the outcome.
  const onOutcome = bookingOutcomeMoney({ db: database.db, clock, logger });
  const scheduling = createSchedulingService({ repo: schedulingRepo, clock, logger, inbox, notifications, payments: bookingPaymentPolicy(config.payments), onOutcome });
  const series = createSeriesService({ repo: schedulingRepo, clock, logger, scheduling });
  const calendar = createCalendarService({ repo: schedulingRepo, clock, logger, publicUrl: config.publicUrl });
  jobs.register(REMINDER_QUEUE, (payload: ReminderPayload) => scheduling.internals.notices.remind(database.db, payload, clock.now()));
  jobs.register(HOLD_SWEEP_QUEUE, async () => void (await scheduling.sweepHolds()));
  await scheduleHoldSweep(database.db, clock.now());
  await fastify.register(schedulingRoutes, { scheduling, series, calendar });
  const tutors = createTutorsService({ repo: createTutorsRepo(database.db), photos, clock, logger });
  await fastify.register(tutorsRoutes, { tutors, resolveSession: (token) => identity.resolveSession(token) });
  // Booked lessons in the live room: opening it, and a periodic sweep that settles them (completed or a no-show).
  const lessons = createLessonsService({ repo: createLessonsRepo(database.db), rooms, inbox, clock, logger, onOutcome });
  await lessons.installSweep(jobs, database.db);
  await fastify.register(lessonsRoutes, { lessons });

  const payments = await installBillingProviders(fastify, {
    config: config.payments,
    publicUrl: config.publicUrl,
    db: database.db,
    clock,
    logger,
    jobs,
    ledger: opts.payments?.ledger ?? billing.ledgerPort,
    bookings: { confirmHeld: (id, now) => scheduling.confirmHeld(id, now), releaseHold: (id, now) => scheduling.releaseHold(id, now) },
    adapters: opts.payments?.adapters,
    // A payment or plan that lets a student ask: WhatsApp sends the question it held for payment.
    entitlementListeners: wa ? [wa.whatsapp.onEntitlementGranted] : [],
  });

  if (hasWeb) {
    await fastify.register(fastifyStatic, { root: config.webDist, wildcard: false, index: false, maxAge: '1h' });
  }

  // Jobs and sockets first, or the HTTP server would wait for upgraded connections before it can close.
  fastify.addHook('preClose', async () => {
    await jobs.stop();
    await realtime.close();
  });
  fastify.addHook('onClose', async () => {
    if (ownsDatabase) await database.close();
  });

  await fastify.ready();
  if (!opts.manualJobs) jobs.start();

  return {
    fastify,
    realtime,
    database,
    metrics,
    logger,
    config,
    clock,
    seeded,
    billing,
    payments,
    photoCleanup,
    abandonedSweep,
    jobs,
    identity,
    whatsapp: wa,
    listen: () => fastify.listen({ host: config.host, port: config.port }),
    close: () => fastify.close(),
  };
}
