/**
 * The baseline of the call-setup benchmark: a bare static page (page.html) and a raw `ws` relay, in one process
 * bound to 127.0.0.1. Prints `LISTENING http://127.0.0.1:<port>` once ready (lib.serveUntilStopped).
 *
 *   GET /            page.html (cache-control: no-cache, as the app serves its index.html)
 *   WS  /relay?room= every text message from one peer of the room goes to the other; when the second peer arrives the
 *                    relay tells it { type: 'peer', offer: true } (it makes the offer) and the first { type: 'peer', offer: false }.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';
import { serveUntilStopped } from '../lib';

const page = fs.readFileSync(path.join(import.meta.dirname, 'page.html'));

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (req.method === 'GET' && url.pathname === '/') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache', 'content-length': page.length });
    res.end(page);
    return;
  }
  res.writeHead(404, { 'content-length': 0 });
  res.end();
});

const rooms = new Map<string, Set<WebSocket>>();
const wss = new WebSocketServer({ server, path: '/relay', perMessageDeflate: false });
wss.on('connection', (ws, req) => {
  const room = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('room') ?? '';
  let peers = rooms.get(room);
  if (!peers) rooms.set(room, (peers = new Set()));
  const others = [...peers];
  peers.add(ws);
  if (others.length > 0) {
    ws.send(JSON.stringify({ type: 'peer', offer: true }));
    for (const o of others) o.send(JSON.stringify({ type: 'peer', offer: false }));
  }
  ws.on('message', (data, isBinary) => {
    for (const o of peers) if (o !== ws && o.readyState === WebSocket.OPEN) o.send(data, { binary: isBinary });
  });
  ws.on('close', () => {
    peers.delete(ws);
    if (peers.size === 0) rooms.delete(room);
  });
});

await new Promise<void>((resolve) => server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', resolve));
const { port } = server.address() as { port: number };
serveUntilStopped(`http://127.0.0.1:${port}`, async () => {
  for (const c of wss.clients) c.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
