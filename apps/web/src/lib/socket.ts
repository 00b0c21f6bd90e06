import type { ClientToServerEvents, ServerToClientEvents } from '@tutorline/contracts';
import { useEffect } from 'react';
import { io, type Socket } from 'socket.io-client';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let current: AppSocket | null = null;

/** The live socket of the logged-in user, or null when logged out. Features subscribe to it; they never open their own. */
export function getSocket(): AppSocket | null {
  return current;
}

export function disconnectSocket(): void {
  current?.removeAllListeners();
  current?.disconnect();
  current = null;
}

interface SessionSocketHandlers {
  /** The server ended this log-in session (log-out elsewhere, password change, revocation). */
  onRevoked(reason: string): void;
  /** The handshake was refused because the session cookie is no longer valid. */
  onUnauthenticated(): void;
}

/** Keeps one same-origin socket open while `userId` is set, and closes it when it is not. */
export function useSessionSocket(userId: string | null, handlers: SessionSocketHandlers): void {
  const { onRevoked, onUnauthenticated } = handlers;
  useEffect(() => {
    if (!userId) {
      disconnectSocket();
      return;
    }
    // Same origin: in development Vite proxies /socket.io to the server, in production the server serves the app.
    const socket: AppSocket = io({ path: '/socket.io/', withCredentials: true });
    current = socket;
    socket.on('session:revoked', ({ reason }) => {
      disconnectSocket();
      onRevoked(reason);
    });
    socket.on('connect_error', (err) => {
      // A refusal by the auth middleware does not retry on its own; anything else does.
      if (err.message === 'unauthenticated') onUnauthenticated();
    });
    return () => {
      if (current === socket) disconnectSocket();
      else socket.disconnect();
    };
  }, [userId, onRevoked, onUnauthenticated]);
}
