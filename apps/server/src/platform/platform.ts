import type { Config } from '../config';
import type { Clock } from './clock';
import type { Database, Db } from './db';
import type { EventBus } from './events';
import type { JobRunner } from './jobs';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { definePort, type Ports } from './ports';
import type { Realtime, SocketIdentity } from './realtime';
import type { Signer } from './signing';
import type { Storage } from './storage';

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
  forgetUser(userId: string): void;
  forgetAllUsers(): void;
}
export const SOCKET_IDENTITY = definePort<SocketIdentityPort>('platform.socketIdentity', 'the identity module (tutorline-identity)');
