/**
 * A fan-out benchmark's clients, in their own process (never on the server's event loop): many Socket.IO clients
 * (websocket transport, a tutor's session cookie each) and/or raw `ws` clients, recording on the shared monotonic
 * clock (lib.monoMs) when each one receives its message.
 *
 * Clients live in named groups (`group`, default: the kind), so one process can hold the clients of several servers.
 * IPC requests (lib.workerReady):
 *   { cmd: 'connect', kind: 'sio', url, cookies: string[], concurrency } → connects one Socket.IO client per cookie,
 *        waiting for each one's session:ready; answers { connected, failed, errors, ms }. `urls` (one per cookie)
 *        instead of `url` connects each client to its own server (the nodes of a cluster).
 *   { cmd: 'connect', kind: 'ws', url, count, concurrency }             → count raw ws clients; same answer
 *   { cmd: 'arm', group }     → forget earlier receipts; from now on record each client's first message
 *                               (Socket.IO: the help:question event; ws: any message), parsed as JSON
 *   { cmd: 'collect', group, timeoutMs } → waits until every client has one, or the timeout; answers
 *        { times: (number|null)[], duplicates, questionIds: {id: count}, sample: the first payload }
 *   { cmd: 'close', group }   → closes every client of the group
 */
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { monoMs, workerReady } from './lib';

type Kind = 'sio' | 'ws';

interface Group {
  clients: { close(): void }[];
  times: Float64Array;
  armed: boolean;
  duplicates: number;
  received: number;
  questionIds: Map<string, number>;
  sample: unknown;
  onAll?: (() => void) | undefined;
}
const groups = new Map<string, Group>();
const groupNamed = (name: string): Group => {
  let g = groups.get(name);
  if (!g) groups.set(name, (g = { clients: [], times: new Float64Array(0), armed: false, duplicates: 0, received: 0, questionIds: new Map(), sample: undefined }));
  return g;
};

function receive(g: Group, i: number, at: number, payload: unknown) {
  if (!g.armed) return;
  if (!Number.isNaN(g.times[i]!)) {
    g.duplicates++;
    return;
  }
  g.times[i] = at;
  g.received++;
  const id = String((payload as { questionId?: unknown } | null)?.questionId);
  g.questionIds.set(id, (g.questionIds.get(id) ?? 0) + 1);
  if (g.sample === undefined) g.sample = payload;
  if (g.received === g.clients.length) g.onAll?.();
}

async function pool<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  const out: PromiseSettledResult<T>[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await fn(i).then(
          (value) => ({ status: 'fulfilled', value }) as const,
          (reason: unknown) => ({ status: 'rejected', reason }) as const,
        );
      }
    }),
  );
  return out;
}

function connectSio(url: string, cookie: string, index: number, g: Group): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket: Socket = io(url, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false, forceNew: true, timeout: 30_000 });
    socket.on('help:question', (item: unknown) => receive(g, index, monoMs(), item));
    g.clients[index] = { close: () => socket.disconnect() };
    socket.once('session:ready', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
}

function connectWs(url: string, index: number, g: Group): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('message', (data) => {
      const at = monoMs();
      receive(g, index, at, JSON.parse(String(data)));
    });
    g.clients[index] = { close: () => ws.terminate() };
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
}

workerReady(
  async (msg: { cmd: string; kind: Kind; group?: string; url: string; urls?: string[]; cookies?: string[]; count?: number; concurrency?: number; timeoutMs?: number }) => {
    const g = groupNamed(msg.group ?? msg.kind ?? 'sio');
    switch (msg.cmd) {
      case 'connect': {
        const n = msg.kind === 'sio' ? msg.cookies!.length : msg.count!;
        g.clients = new Array(n);
        const t0 = monoMs();
        const results = await pool(n, msg.concurrency ?? 50, (i) => (msg.kind === 'sio' ? connectSio(msg.urls?.[i] ?? msg.url, msg.cookies![i]!, i, g) : connectWs(msg.url, i, g)));
        const failed = results.filter((r) => r.status === 'rejected');
        return {
          connected: n - failed.length,
          failed: failed.length,
          errors: [...new Set(failed.map((r) => String((r as PromiseRejectedResult).reason?.message ?? r)))].slice(0, 5),
          ms: Math.round(monoMs() - t0),
        };
      }
      case 'arm':
        g.times = new Float64Array(g.clients.length).fill(Number.NaN);
        g.received = 0;
        g.duplicates = 0;
        g.questionIds = new Map();
        g.sample = undefined;
        g.armed = true;
        return true;
      case 'collect': {
        if (g.received < g.clients.length) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, msg.timeoutMs ?? 30_000);
            g.onAll = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
        g.onAll = undefined;
        // Late duplicates would show up in the next collect only if re-armed; give stragglers a moment.
        await new Promise((r) => setTimeout(r, 50));
        g.armed = false;
        return {
          times: Array.from(g.times, (t) => (Number.isNaN(t) ? null : t)),
          duplicates: g.duplicates,
          questionIds: Object.fromEntries(g.questionIds),
          sample: g.sample,
        };
      }
      case 'close':
        for (const c of g.clients) c?.close();
        g.clients = [];
        return true;
      default:
        throw new Error(`unknown command ${msg.cmd}`);
    }
  },
  () => {
    for (const g of groups.values()) for (const c of g.clients) c?.close();
  },
);
