import type { ClientToServerEvents, ServerToClientEvents } from '@tutorline/contracts';
import { useEffect, useEffectEvent, useSyncExternalStore } from 'react';
import { io, type Socket } from 'socket.io-client';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type ServerEvent = keyof ServerToClientEvents;

let current: AppSocket | null = null;
const socketListeners = new Set<() => void>();

function setCurrent(socket: AppSocket | null): void {
  current = socket;
  for (const listener of socketListeners) listener();
}

/** Whether the socket's node says realtime is degraded (its Redis is unreachable; decision 092). */
let realtimeDegraded = false;
const degradedListeners = new Set<() => void>();

function setRealtimeDegraded(value: boolean): void {
  if (realtimeDegraded === value) return;
  realtimeDegraded = value;
  for (const listener of degradedListeners) listener();
}

function subscribeSocket(listener: () => void): () => void {
  socketListeners.add(listener);
  return () => socketListeners.delete(listener);
}

/** The live socket of the logged-in user, or null when logged out. Features subscribe to it; they never open their own. */
export function getSocket(): AppSocket | null {
  return current;
}

export function disconnectSocket(): void {
  const socket = current;
  setCurrent(null);
  setRealtimeDegraded(false);
  socket?.removeAllListeners();
  socket?.disconnect();
}

interface SessionSocketHandlers {
  /** The server ended this log-in session (log-out elsewhere, password change, revocation). */
  onRevoked(reason: string): void;
  /** The handshake was refused because the session cookie is no longer valid. */
  onUnauthenticated(): void;
  /** Connected or reconnected: events sent while we were away may be lost, so refetch what they would have changed. */
  onConnect?(): void;
}

/** Keeps one same-origin socket open while `userId` is set, and closes it when it is not. */
export function useSessionSocket(userId: string | null, handlers: SessionSocketHandlers): void {
  // Effect events: the handlers change with every render (react-router's navigate changes on every navigation), and
  // re-running the effect for that would drop the socket and connect afresh on each page change (and leave any room).
  const connected = useEffectEvent(() => handlers.onConnect?.());
  const revoked = useEffectEvent((reason: string) => handlers.onRevoked(reason));
  const unauthenticated = useEffectEvent(() => handlers.onUnauthenticated());
  useEffect(() => {
    if (!userId) {
      disconnectSocket();
      return;
    }
    // Same origin: in development Vite proxies /socket.io to the server, in production the server serves the app.
    const socket: AppSocket = io({ path: '/socket.io/', withCredentials: true });
    setCurrent(socket);
    socket.on('connect', () => {
      // A node that is degraded says so right after the connect; a healthy one says nothing.
      setRealtimeDegraded(false);
      connected();
    });
    socket.on('realtime:status', ({ degraded }) => setRealtimeDegraded(degraded));
    socket.on('session:revoked', ({ reason }) => {
      disconnectSocket();
      revoked(reason);
    });
    socket.on('connect_error', (err) => {
      // A refusal by the auth middleware does not retry on its own; anything else does.
      if (err.message === 'unauthenticated') unauthenticated();
    });
    return () => {
      if (current === socket) disconnectSocket();
      else socket.disconnect();
    };
  }, [userId]);
}

/** The current socket, re-rendering when it is replaced (log-in, log-out). */
export function useSocket(): AppSocket | null {
  return useSyncExternalStore(subscribeSocket, getSocket, () => null);
}

/** Calls `handler` for every `event` from the server while the component is mounted; the latest handler is always used. */
export function useSocketEvent<E extends ServerEvent>(event: E, handler: ServerToClientEvents[E]): void {
  const socket = useSocket();
  const onEvent = useEffectEvent((...args: Parameters<ServerToClientEvents[E]>) => (handler as (...a: typeof args) => void)(...args));
  useEffect(() => {
    if (!socket) return;
    // socket.io's typed `on` cannot follow a generic event name, so go through the untyped emitter.
    const emitter = socket as unknown as { on(e: string, l: (...a: unknown[]) => void): void; off(e: string, l: (...a: unknown[]) => void): void };
    const listener = (...args: unknown[]) => onEvent(...(args as Parameters<ServerToClientEvents[E]>));
    emitter.on(event, listener);
    return () => emitter.off(event, listener);
  }, [socket, event]);
}

/**
 * Whether the realtime connection is up. `null` while there is no socket at all (logged out).
 * Used to tell people on bad networks that live updates are paused.
 */
export function useSocketConnected(): boolean | null {
  const socket = useSocket();
  return useSyncExternalStore(
    (notify) => {
      if (!socket) return () => {};
      socket.on('connect', notify);
      socket.on('disconnect', notify);
      socket.io.on('reconnect_attempt', notify);
      return () => {
        socket.off('connect', notify);
        socket.off('disconnect', notify);
        socket.io.off('reconnect_attempt', notify);
      };
    },
    () => (socket ? socket.connected : null),
    () => null,
  );
}

/**
 * Whether live updates are delayed although the socket is connected: its node lost Redis, so events from other nodes
 * do not arrive and its own wait for Redis to come back (decision 092).
 */
export function useRealtimeDegraded(): boolean {
  return useSyncExternalStore(
    (notify) => {
      degradedListeners.add(notify);
      return () => degradedListeners.delete(notify);
    },
    () => realtimeDegraded,
    () => false,
  );
}
