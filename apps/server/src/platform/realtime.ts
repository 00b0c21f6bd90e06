import type http from 'node:http';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { ClientToServerEvents, ServerToClientEvents } from '@tutorline/contracts';
import { sessionRoom, userRoom } from '@tutorline/contracts';
import { createClient } from 'redis';
import { Server, type Socket } from 'socket.io';
import type { Clock } from './clock';
import type { Peers } from './db';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { declareSocketEvents, guardSocketEvents, type SocketAuthorizer } from './socket-access';

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
  /** Classrooms this socket entered, with its role there (modules/classroom). */
  classrooms?: Record<string, 'teacher' | 'learner' | 'observer'>;
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
  /** Whether a socket's user may send an event with a declared access (staff roles read fresh); see socket-access.ts. */
  authorize: SocketAuthorizer;
  /** Another node changed a user (log-out, password, profile): drop what this node cached. */
  onUserChanged?(userId: string): void;
  /**
   * Without Redis, how nodes sharing a PostgreSQL database tell each other about changed users and revoked sessions
   * (LISTEN/NOTIFY); null on PGlite, which has a single process. With Redis the adapter carries them instead.
   */
  peers?: Peers | null;
  /** The peers' channel dropped and came back: changes announced meanwhile were missed, so forget every cached user. */
  onPeersGap?(): void;
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
  /** Whether Redis answers (null without REDIS_URL): while it does not, events reach only this node's sockets. */
  redisUp(): boolean | null;
  close(): Promise<void>;
}

type RedisClient = ReturnType<typeof createClient>;

/** LISTEN/NOTIFY channels between nodes without Redis. */
const USER_CHANGED_CHANNEL = 'tl_user_changed';
const SESSION_REVOKED_CHANNEL = 'tl_session_revoked';

/**
 * Closes a Redis client without waiting on a Redis that is down: quit() queues behind the reconnection and would hold
 * the shutdown for the whole grace period. A ready client gets a short polite quit; then it is destroyed regardless.
 */
async function closeRedis(client: RedisClient) {
  if (client.isReady) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([client.close().catch(() => {}), new Promise<void>((resolve) => (timer = setTimeout(resolve, 1_000)))]);
    clearTimeout(timer);
  }
  if (client.isOpen) client.destroy();
}

export async function createRealtime(server: http.Server, opts: RealtimeOptions): Promise<Realtime> {
  const { logger, metrics } = opts;
  const redisClients: RedisClient[] = [];
  let adapter: ReturnType<typeof createAdapter> | undefined;
  // Set by the first 'ready' (client.connect() below fails the start without one).
  let redisUp = true;
  let closing = false;
  // The adapter cannot carry anything while Redis is down, so each node tells only its own sockets (decision 092).
  const created: { io?: Io } = {};
  const tellLocalSockets = (degraded: boolean) => created.io?.local.emit('realtime:status', { degraded });
  if (opts.redisUrl) {
    const client = createClient({ url: opts.redisUrl });
    client.on('error', (err) => {
      logger.error({ err, event: 'redis_error' }, 'redis connection error');
      if (redisUp && !closing && !client.isReady) {
        redisUp = false;
        logger.warn({ event: 'realtime_degraded' }, 'Redis is unreachable: events reach only the sockets on this node until it is back');
        tellLocalSockets(true);
      }
    });
    client.on('ready', () => {
      if (redisUp) return;
      redisUp = true;
      logger.info({ event: 'realtime_restored' }, 'Redis is reachable again: events reach every node');
      tellLocalSockets(false);
    });
    // The adapter opens more connections of its own (a subscriber, a stream reader) by duplicating this client; keep
    // them, so shutdown can close them too instead of leaving them reconnecting to a Redis that is down.
    const duplicate = client.duplicate.bind(client);
    client.duplicate = ((...args: Parameters<RedisClient['duplicate']>) => {
      const copy = duplicate(...args) as RedisClient;
      // A copy has no listener of its own: without this one, Redis going away is an uncaught 'error' that stops the node.
      copy.on('error', (err) => logger.warn({ err, event: 'redis_error', duplicate: true }, 'redis connection error'));
      // The adapter disconnects its copies on close without handling the error, thrown once we destroyed them.
      copy.disconnect = async () => {
        if (copy.isOpen) copy.destroy();
      };
      redisClients.push(copy);
      return copy;
    }) as RedisClient['duplicate'];
    await client.connect();
    redisClients.push(client);
    adapter = createAdapter(client);
  }
  const peers = adapter ? null : (opts.peers ?? null);

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

  created.io = io;
  const localUsers = new Map<string, number>();
  io.on('identity:user-changed', (userId) => opts.onUserChanged?.(userId));
  const disconnectLocal = (authSessionId: string, reason: string) => {
    io.to(sessionRoom(authSessionId)).emit('session:revoked', { reason });
    io.in(sessionRoom(authSessionId)).disconnectSockets(true);
  };
  if (peers) {
    peers.subscribe(USER_CHANGED_CHANNEL, (userId) => opts.onUserChanged?.(userId), () => opts.onPeersGap?.());
    peers.subscribe(SESSION_REVOKED_CHANNEL, (payload) => {
      const { authSessionId, reason } = JSON.parse(payload) as { authSessionId: string; reason: string };
      disconnectLocal(authSessionId, reason);
    });
  }
  const publish = (channel: string, payload: string) =>
    peers?.publish(channel, payload).catch((err: unknown) => logger.error({ err, event: 'peer_publish_failed', channel }, 'could not tell the other nodes'));

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

  declareSocketEvents(io, 'platform/realtime', { 'presence:heartbeat': 'user' });
  io.on('connection', (socket) => {
    // Registered before any module's handlers: every event a client sends is checked against its declaration first.
    guardSocketEvents(io, socket, opts.authorize, logger);
    const { userId, role, authSessionId } = socket.data;
    void socket.join([userRoom(userId), sessionRoom(authSessionId)]);
    metrics.connectedSockets.inc();
    const before = localUsers.get(userId) ?? 0;
    localUsers.set(userId, before + 1);
    metrics.onlineUsers.set(localUsers.size);
    if (before === 0) logger.info({ event: 'presence_online', userId }, 'user online');
    // With connection state recovery every emit is first stored in Redis, so while Redis is down it would wait for
    // Redis to come back: the greeting and the degraded status go to this socket directly (decision 092).
    const direct = adapter && !redisUp ? io.local.to(socket.id) : socket;
    direct.emit('session:ready', { userId, role, recovered: socket.recovered });
    if (adapter && !redisUp) direct.emit('realtime:status', { degraded: true });

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
      // Redis's adapter reaches the other nodes; without it, PostgreSQL's NOTIFY does (the in-memory adapter has none).
      if (adapter) io.serverSideEmit('identity:user-changed', userId);
      else void publish(USER_CHANGED_CHANNEL, userId);
    },
    disconnectSession(authSessionId, reason) {
      disconnectLocal(authSessionId, reason);
      if (!adapter) void publish(SESSION_REVOKED_CHANNEL, JSON.stringify({ authSessionId, reason }));
    },
    redisUp: () => (adapter ? redisUp : null),
    async close() {
      closing = true;
      // Like io.close(), but leaves the HTTP server to Fastify, which is closing it; and it closes the connections, not
      // the Socket.IO sessions. A client the server disconnects (a DISCONNECT packet: 'io server disconnect') does not
      // come back by itself, so in a rolling restart every user of a drained node lost live updates, a call its room,
      // until they reloaded. A closed connection is a network blip to the client: it reconnects at once, through
      // HAProxy to a node that is up, and rejoins (#19).
      // Each socket closed that way is kept for recovery (persistSession, to Redis with the Streams adapter); Socket.IO
      // does not wait on that, so with Redis down the write fails when its client is destroyed below: said, not thrown.
      for (const nsp of io._nsps.values()) {
        const adapter = nsp.adapter as unknown as { persistSession(session: unknown): unknown };
        const persist = adapter.persistSession.bind(adapter);
        adapter.persistSession = (session) =>
          Promise.resolve()
            .then(() => persist(session))
            .catch((err: unknown) => logger.warn({ event: 'realtime_session_not_kept', err: err instanceof Error ? err.message : String(err) }, 'a socket closed at shutdown cannot be recovered on another node'));
      }
      io.engine.close();
      for (const nsp of io._nsps.values()) await nsp.adapter.close();
      await Promise.all(redisClients.map(closeRedis));
    },
  };
}
