import type { ClientToServerEvents, ServerToClientEvents } from '@tutorline/contracts';
import { io, type Socket } from 'socket.io-client';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type ReadyPayload = Parameters<ServerToClientEvents['session:ready']>[0];

/** Sockets opened by a suite, so afterAll can close every one of them. */
export class SocketPool {
  private readonly sockets: TestSocket[] = [];

  /** Opens a websocket-only client that never reconnects, so every disconnect stays visible. */
  open(baseUrl: string, headers: Record<string, string> = {}): TestSocket {
    const socket: TestSocket = io(baseUrl, { transports: ['websocket'], extraHeaders: headers, reconnection: false, forceNew: true, timeout: 10_000 });
    this.sockets.push(socket);
    return socket;
  }

  /** Connects with a session cookie and resolves with the server's session:ready payload. */
  async connect(baseUrl: string, cookie: string): Promise<{ socket: TestSocket; ready: ReadyPayload }> {
    const socket = this.open(baseUrl, { cookie });
    const ready = await readyOrError(socket);
    return { socket, ready };
  }

  closeAll() {
    for (const s of this.sockets.splice(0)) s.disconnect();
  }
}

/** Resolves with the first `event` the socket receives; rejects after timeoutMs. */
export function nextEvent<T = unknown>(socket: TestSocket, event: string, timeoutMs = 10_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const s = socket as unknown as Socket;
    const timer = setTimeout(() => {
      s.off(event, onEvent);
      reject(new Error(`no '${event}' within ${timeoutMs} ms`));
    }, timeoutMs);
    const onEvent = (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    };
    s.once(event, onEvent);
  });
}

/** session:ready, or the connect_error that refused the handshake. */
function readyOrError(socket: TestSocket, timeoutMs = 10_000): Promise<ReadyPayload> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no session:ready within ${timeoutMs} ms`)), timeoutMs);
    socket.once('session:ready', (payload) => {
      clearTimeout(timer);
      resolve(payload);
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Resolves with the connect_error of a handshake that must be refused; rejects if it connects. */
export function refusal(socket: TestSocket, timeoutMs = 10_000): Promise<Error> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`neither connected nor refused within ${timeoutMs} ms`)), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      reject(new Error('the handshake was accepted'));
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      resolve(err);
    });
  });
}

/** Proves a socket is still live: the server answers a heartbeat on it. */
export async function heartbeat(socket: TestSocket, timeoutMs = 5_000) {
  return socket.timeout(timeoutMs).emitWithAck('presence:heartbeat');
}
