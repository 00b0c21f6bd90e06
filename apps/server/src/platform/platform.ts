import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config';
import type { Clock } from './clock';
import type { Database, Db } from './db';
import { createEventBus, type EventBus } from './events';
import { createJobRunner, type JobRunner } from './jobs';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { createPorts, definePort, type Ports } from './ports';
import { createSharedCounter, type SharedCounter } from './rate-limit';
import { createRealtime, type Realtime, type SocketIdentity } from './realtime';
import type { SocketAuthorizer } from './socket-access';
import { createSigner, loadOrCreateSigningSecret, type Signer } from './signing';
import { createLocalStorage, type Storage } from './storage';

/**
 * The shared infrastructure every module installer reaches through `fastify.platform` (decorated once by app.ts,
 * decision 042): no product rules here, only what several modules use.
 */
export interface Platform {
  config: Config;
  database: Database;
  db: Db;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  jobs: JobRunner;
  realtime: Realtime;
  /** Counts per key and window, shared by every node through Redis when REDIS_URL is set: rate limits (decision 085). */
  counters: SharedCounter;
  /** Typed events between modules. */
  events: EventBus;
  /** Interfaces a module calls and another implements. */
  ports: Ports;
  /** The server's signing secret (absent in production without SIGNING_SECRET), and a signer for public links under it. */
  signingSecret: string | undefined;
  signer: Signer | null;
  /** Files under DATA_DIR/files (photos). */
  storage: Storage;
}

declare module 'fastify' {
  interface FastifyInstance {
    platform: Platform;
  }
}

/** What Socket.IO asks about the people behind sockets; the identity module provides it when it registers. */
export interface SocketIdentityPort {
  authenticate(cookieHeader: string | undefined): Promise<SocketIdentity | null>;
  /** Whether this user may send a socket event declared with this access. */
  authorize: SocketAuthorizer;
  forgetUser(userId: string): void;
  forgetAllUsers(): void;
}
export const SOCKET_IDENTITY = definePort<SocketIdentityPort>('platform.socketIdentity', 'the identity module (tutorline-identity)');

/**
 * Builds the platform on a Fastify instance and decorates it as `fastify.platform`: Socket.IO on Fastify's HTTP
 * server (who is behind a socket is the SOCKET_IDENTITY port), the job runner, the signer, file storage, the event
 * bus and the port registry. A late-bound port still without an implementation when the app is ready stops the start.
 */
export async function createPlatform(
  fastify: FastifyInstance,
  base: { config: Config; database: Database; clock: Clock; logger: Logger; metrics: Metrics },
): Promise<Platform> {
  const { config, database, clock, logger, metrics } = base;
  const ports = createPorts();
  const sockets = ports.late(SOCKET_IDENTITY, 'platform/realtime');
  const realtime = await createRealtime(fastify.server, {
    allowedOrigins: config.allowedOrigins,
    redisUrl: config.redisUrl,
    clock,
    logger,
    metrics,
    authenticate: (cookieHeader) => sockets.authenticate(cookieHeader),
    authorize: (identity, access) => sockets.authorize(identity, access),
    onUserChanged: (userId) => sockets.forgetUser(userId),
    peers: database.peers,
    onPeersGap: () => sockets.forgetAllUsers(),
  });
  const counters = await createSharedCounter({ redisUrl: config.redisUrl, logger });
  const jobs = createJobRunner({ db: database.db, clock, logger, pollMs: config.jobsPollMs });
  // Production without SIGNING_SECRET signs nothing (config refuses it when a feature needs signed links).
  const signingSecret = config.signingSecret ?? (config.env === 'production' ? undefined : loadOrCreateSigningSecret(config.dataDir));
  const signer = signingSecret ? createSigner(signingSecret, { maxTtlSeconds: config.signedLinkMaxSeconds }) : null;
  const storage = createLocalStorage(path.join(config.dataDir, 'files'));
  const platform: Platform = { ...base, db: database.db, jobs, realtime, counters, events: createEventBus(), ports, signingSecret, signer, storage };
  fastify.decorate('platform', platform);
  fastify.addHook('onReady', async () => ports.assertProvided());
  return platform;
}
