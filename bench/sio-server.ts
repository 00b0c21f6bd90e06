/**
 * A bare Socket.IO 4 server (no app, no authentication, the in-memory adapter, default options), in its own process,
 * bound to 127.0.0.1: socket-memory's diagnostic middle point between a plain `ws` server and the real app. It emits
 * session:ready on each connection, as the app does, so the same clients can wait for it.
 * Prints `LISTENING http://127.0.0.1:<port>` once ready.
 *
 * IPC requests (lib.answerRequests):
 *   { cmd: 'memory' } → { connections, ...lib.settledMemory() } (needs node --expose-gc)
 */
import http from 'node:http';
import { Server } from 'socket.io';
import { answerRequests, serveUntilStopped, settledMemory } from './lib';

const server = http.createServer();
const io = new Server(server, { serveClient: false });
io.on('connection', (socket) => {
  socket.emit('session:ready', { userId: socket.id, role: 'none', recovered: false });
});
await new Promise<void>((resolve) => server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => resolve()));
const { port } = server.address() as { port: number };

answerRequests((msg: { cmd: string }) => {
  if (msg.cmd === 'memory') return settledMemory().then((m) => ({ connections: io.engine.clientsCount, ...m }));
  throw new Error(`unknown command ${msg.cmd}`);
});

serveUntilStopped(`http://127.0.0.1:${port}`, async () => {
  io.disconnectSockets(true);
  io.engine.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
