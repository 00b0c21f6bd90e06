import type http from 'node:http';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { ClientToServerEvents, ServerToClientEvents } from '@tutorline/contracts';
import { sessionRoom, userRoom } from '@tutorline/contracts';
import { createClient } from 'redis';
import { Server, type Socket } from 'socket.io';
import type { Clock } from './clock';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

export interface SocketIdentity {
  userId: string;
  role: string;
  authSessionId: string;
}
/**
 * What the server keeps on a socket. Socket.IO's connection state recovery restores it (and the socket's rooms) after a
 * short drop, so modules keep per-socket state here rather than in maps keyed by the socket object.
 */
export interface SocketData extends SocketIdentity {
  /** Tutoring rooms this socket joined, with the role it joined as (modules/rooms). */
  rooms?: Record<string, 'student' | 'tutor' | 'observer'>;
  /** The call state this socket last published per room (modules/rooms); read by other nodes through fetchSockets. */
  peerStates?: Record<string, unknown>;
}
/** Events between server nodes (through the adapter). */
export interface InterServerEvents {
  'identity:user-changed': (userId: string) => void;
}
export type Io = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface RealtimeOptions {
  allowedOrigins: string[];
  redisUrl: string | undefined;
  /** The heartbeat's ack tells the server's time (the injected clock). */
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  /** Resolves the session cookie of the handshake; null refuses the connection. */
  authenticate(cookieHeader: string | undefined): Promise<SocketIdentity | null>;
  /** Another node changed a user (log-out, password, profile): drop what this node cached. */
  onUserChanged?(userId: string): void;
}

export interface Realtime {
  io: Io;
  /** Users with a socket on this node. */
  localOnlineUserIds(): string[];
  /** Users with a socket on any node (asks the other nodes through the adapter). */
  onlineUserIds(): Promise<string[]>;
  /** Disconnects every socket of one log-in session, on every node. */
  disconnectSession(authSessionId: string, reason: string): void;
  /** Tells the other nodes that a user changed. */
  broadcastUserChanged(userId: string): void;
  close(): Promise<void>;
}

export async function createRealtime(server: http.Server, opts: RealtimeOptions): Promise<Realtime> {
  const { logger, metrics } = opts;
  const redisClients: { quit(): Promise<unknown> }[] = [];
  let adapter: ReturnType<typeof createAdapter> | undefined;
  if (opts.redisUrl) {
    const client = createClient({ url: opts.redisUrl });
    client.on('error', (err) => logger.error({ err, event: 'redis_error' }, 'redis connection error'));
    await client.connect();
    redisClients.push(client);
    adapter = createAdapter(client);
  }

  const io: Io = new Server(server, {
    path: '/socket.io/',
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    cors: { origin: opts.allowedOrigins, credentials: true },
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      // Non-browser clients (no Origin) still need a valid session cookie below.
      callback(null, origin === undefined || opts.allowedOrigins.includes(origin));
    },
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
    ...(adapter ? { adapter } : {}),
  });

  const localUsers = new Map<string, number>();
  io.on('identity:user-changed', (userId) => opts.onUserChanged?.(userId));

  io.use(async (socket, next) => {
    try {
      const identity = await opts.authenticate(socket.handshake.headers.cookie);
      if (!identity) return next(new Error('unauthenticated'));
      // A recovered socket comes back with its data; keep what modules stored on it unless it is someone else now.
      const previous = socket.data as Partial<SocketData> | undefined;
      socket.data = previous?.userId === identity.userId ? { ...previous, ...identity } : identity;
      next();
    } catch (err) {
      logger.error({ err }, 'socket authentication failed');
      next(new Error('unavailable'));
    }
  });

  io.on('connection', (socket) => {
    const { userId, role, authSessionId } = socket.data;
    void socket.join([userRoom(userId), sessionRoom(authSessionId)]);
    metrics.connectedSockets.inc();
    const before = localUsers.get(userId) ?? 0;
    localUsers.set(userId, before + 1);
    metrics.onlineUsers.set(localUsers.size);
    if (before === 0) logger.info({ event: 'presence_online', userId }, 'user online');
    socket.emit('session:ready', { userId, role, recovered: socket.recovered });

    socket.on('presence:heartbeat', (ack) => {
      if (typeof ack === 'function') ack({ ok: true, at: opts.clock.now().toISOString() });
    });

    socket.on('disconnect', (reason) => {
      metrics.connectedSockets.dec();
      const left = (localUsers.get(userId) ?? 1) - 1;
      if (left <= 0) {
        localUsers.delete(userId);
        logger.info({ event: 'presence_offline', userId, reason }, 'user offline');
      } else localUsers.set(userId, left);
      metrics.onlineUsers.set(localUsers.size);
    });
  });

  return {
    io,
    localOnlineUserIds: () => [...localUsers.keys()],
    async onlineUserIds() {
      const sockets = await io.fetchSockets();
      return [...new Set(sockets.map((s) => s.data.userId))];
    },
    broadcastUserChanged(userId) {
      // Only a cluster adapter has other nodes to tell (the in-memory one warns instead).
      if (adapter) io.serverSideEmit('identity:user-changed', userId);
    },
    disconnectSession(authSessionId, reason) {
      io.to(sessionRoom(authSessionId)).emit('session:revoked', { reason });
      io.in(sessionRoom(authSessionId)).disconnectSockets(true);
    },
    async close() {
      // Like io.close(), but leaves the HTTP server to Fastify, which is closing it.
      for (const nsp of io._nsps.values()) {
        nsp.local.disconnectSockets(true);
        await nsp.adapter.close();
      }
      io.engine.close();
      await Promise.all(redisClients.map((c) => c.quit().catch(() => {})));
    },
  };
}
