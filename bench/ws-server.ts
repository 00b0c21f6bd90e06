/**
 * The baseline for fan-out benchmarks: a raw `ws` WebSocket server (the package Socket.IO itself uses), in its
 * own process, bound to 127.0.0.1. Prints `LISTENING http://127.0.0.1:<port>` once ready; connect to ws://… .
 *
 * IPC requests (lib.answerRequests):
 *   { cmd: 'clients' }                 → the number of open connections
 *   { cmd: 'broadcast', data: string } → sends `data` as one text message to every open client, the way the ws
 *                                        README broadcasts, and answers { startMs, endMs, clients } on the shared
 *                                        monotonic clock (lib.monoMs) from just before to just after the loop.
 *   { cmd: 'memory' }                  → { connections, ...lib.settledMemory() } (needs node --expose-gc)
 */
import WebSocket, { WebSocketServer } from 'ws';
import { answerRequests, monoMs, serveUntilStopped, settledMemory } from './lib';

const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0), perMessageDeflate: false });
await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
const { port } = wss.address() as { port: number };

answerRequests((msg: { cmd: string; data?: string }) => {
  if (msg.cmd === 'clients') return wss.clients.size;
  if (msg.cmd === 'memory') return settledMemory().then((m) => ({ connections: wss.clients.size, ...m }));
  if (msg.cmd === 'broadcast') {
    const data = String(msg.data);
    let clients = 0;
    const startMs = monoMs();
    for (const client of wss.clients) {
      if (client.readyState === WebSocket.OPEN) {
        client.send(data);
        clients++;
      }
    }
    const endMs = monoMs();
    return { startMs, endMs, clients };
  }
  throw new Error(`unknown command ${msg.cmd}`);
});

serveUntilStopped(`http://127.0.0.1:${port}`, async () => {
  for (const client of wss.clients) client.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
});
