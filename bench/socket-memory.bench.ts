/**
 * Memory per idle authenticated Socket.IO socket on the real app (bench/app-server.ts, its own process, on a fresh
 * PostgreSQL database next to DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres, dropped afterwards),
 * against a plain `ws` server (bench/ws-server.ts, its own process) holding as many idle connections, same run.
 *
 * Ours: BENCH_SOCKETS (2,000) adult students, each logged in through the real POST /api/auth/login (argon2id, a
 *   session row, the cookie; the app's own LOGIN_MAX_PER_IP is raised for the run, as every log-in comes from
 *   127.0.0.1), then one Socket.IO client per cookie (websocket transport) that waits for its session:ready.
 * Baseline: the same number of raw ws clients connected to the plain ws server.
 * The clients run in a process of their own (bench/fanout-clients.ts), never in a measured server.
 * Each server runs with --expose-gc and answers { cmd: 'memory' } with process.memoryUsage() taken after forced
 *   collections, repeated until RSS moves by less than 0.5% (lib.settledMemory). Per socket = (after − before) / N,
 *   "before" taken after the log-ins (and a settle of BENCH_SETTLE_MS), "after" once every client is connected
 *   and the same settle has passed.
 * Diagnostic, not in the headline: a bare Socket.IO server (bench/sio-server.ts: no app, no authentication) holding as
 *   many sockets, so the figures show what Socket.IO itself costs and what the app adds on top.
 * Headline: RSS per socket, ours / plain ws, lower is better, target ≤ 2. Heap (used) per socket is reported too.
 * ok also needs every client connected on both sides, and each server counting N connections.
 *
 * Knobs: BENCH_SOCKETS (2000), BENCH_LOGIN_CONCURRENCY (4), BENCH_SETTLE_MS (3000), BENCH_TIMEOUT_S (600).
 */
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { type Database, openDatabase } from '../apps/server/src/platform/db';
import { createPostgresDatabase } from '../apps/server/test/db';
import { seedCatalogue, seedStudents } from './help-fixtures';
import { bytesPerConnection, envInt, machineInfo, type MemorySample, onCleanup, ratio, report, round, runBench, startChildServer, startChildWorker } from './lib';

const NAME = 'socket-memory';
const TARGET = 2;
const PASSWORD = 'bench-socket-memory-1';

type Memory = MemorySample & { connections: number };
interface Connected {
  connected: number;
  failed: number;
  errors: string[];
  ms: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const kib = (bytes: number) => round(bytes / 1024, 2);
const mib = (bytes: number) => round(bytes / 2 ** 20, 1);

/** The real log-in: POST /api/auth/login; resolves with the Cookie header value of the session it set. */
function logIn(agent: http.Agent, base: URL, email: string): Promise<string> {
  const body = JSON.stringify({ email, password: PASSWORD });
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent, host: base.hostname, port: base.port, method: 'POST', path: '/api/auth/login', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          const cookie = (res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]!).find((c) => c.startsWith('tl_session='));
          if (res.statusCode === 200 && cookie) resolve(cookie);
          else reject(new Error(`log-in of ${email}: ${res.statusCode} ${text.slice(0, 200)}`));
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error('log-in timed out after 60 s')));
    req.on('error', reject);
    req.end(body);
  });
}

async function main() {
  const machine = machineInfo();
  const n = envInt('BENCH_SOCKETS', 2000);
  const loginConcurrency = envInt('BENCH_LOGIN_CONCURRENCY', 4);
  const settleMs = envInt('BENCH_SETTLE_MS', 3000);
  console.log(`socket-memory: ${machine.cpus} × ${machine.cpuModel}, ${machine.node}, load ${machine.loadAvg.join(' ')}; ${n} idle sockets per server`);

  // File descriptors: the client process holds 3N sockets (app, bare Socket.IO, plain ws), each server N.
  const limits = spawnSync('/bin/sh', ['-c', 'ulimit -n; ulimit -Hn'], { encoding: 'utf8' }).stdout.trim().split('\n');
  const soft = Number(limits[0]);
  const hard = limits[1] === 'unlimited' ? Infinity : Number(limits[1]);
  const need = 3 * n + 512;
  let shell: string | undefined;
  if (Number.isFinite(soft) && soft < need) {
    if (hard < need) throw new Error(`ulimit -n is ${soft} (hard ${hard}); ${need} descriptors are needed: lower BENCH_SOCKETS`);
    shell = `ulimit -n ${need}`;
  }
  console.log(`ulimit -n ${soft} (hard ${limits[1]}); the client process needs ~${need}${shell ? `, raised with '${shell}'` : ''}`);

  process.env.DATABASE_URL ||= 'postgres://postgres@127.0.0.1:5432/postgres';
  const pgdb = await createPostgresDatabase();
  onCleanup(() => pgdb.drop());
  const database: Database = await openDatabase({ kind: 'postgres', url: pgdb.url, poolMax: 4 });
  let dbOpen = true;
  const closeDb = async () => {
    if (dbOpen) await database.close();
    dbOpen = false;
  };
  onCleanup(closeDb);
  let t0 = performance.now();
  await seedCatalogue(database.db);
  const students = await seedStudents(database.db, n, { password: PASSWORD });
  await closeDb();
  console.log(`seeded ${n} students (one shared password) in ${Math.round(performance.now() - t0)} ms`);

  // Apps start slowly on a busy shared machine (tsx compiles on start): allow 3 minutes.
  const gcFlags = { nodeArgs: ['--expose-gc'], startTimeoutMs: 180_000 };
  const app = await startChildServer('app-postgres', 'app-server.ts', {
    ...gcFlags,
    env: { BENCH_DB: 'postgres', BENCH_DATABASE_URL: pgdb.url, LOGIN_MAX_PER_IP: String(n + 100) },
  });
  const raw = await startChildServer('raw-ws', 'ws-server.ts', gcFlags);
  const bare = await startChildServer('bare-socketio', 'sio-server.ts', gcFlags);
  const clients = await startChildWorker('clients', 'fanout-clients.ts', shell ? { shell } : {});

  // Log everyone in through the real API, a few at a time (argon2id is the cost), over keep-alive sockets.
  const base = new URL(app.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: loginConcurrency });
  onCleanup(() => agent.destroy());
  t0 = performance.now();
  const cookies: string[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: loginConcurrency }, async () => {
      while (next < n) {
        const i = next++;
        cookies[i] = await logIn(agent, base, students[i]!.email);
      }
    }),
  );
  agent.destroy();
  const loginMs = Math.round(performance.now() - t0);
  console.log(`logged ${n} students in through POST /api/auth/login in ${loginMs} ms (${round(loginMs / n, 1)} ms each at ${loginConcurrency} at once)`);

  const measureBoth = async () => {
    await sleep(settleMs);
    const ours = await app.request<Memory>({ cmd: 'memory' }, 120_000);
    const plain = await raw.request<Memory>({ cmd: 'memory' }, 120_000);
    const bareSio = await bare.request<Memory>({ cmd: 'memory' }, 120_000);
    return { ours, plain, bareSio };
  };
  const before = await measureBoth();
  console.log(`before: app rss ${mib(before.ours.rssBytes)} MiB heap ${mib(before.ours.heapUsedBytes)} MiB; ws rss ${mib(before.plain.rssBytes)} MiB heap ${mib(before.plain.heapUsedBytes)} MiB`);

  const sio = await clients.request<Connected>({ cmd: 'connect', kind: 'sio', url: app.url, cookies, concurrency: 50 }, 300_000);
  console.log(`Socket.IO: ${sio.connected} connected (session:ready), ${sio.failed} failed in ${sio.ms} ms${sio.errors.length ? `: ${sio.errors.join(' | ')}` : ''}`);
  const ws = await clients.request<Connected>({ cmd: 'connect', kind: 'ws', url: raw.url.replace(/^http/, 'ws'), count: n, concurrency: 50 }, 300_000);
  console.log(`plain ws:  ${ws.connected} connected, ${ws.failed} failed in ${ws.ms} ms${ws.errors.length ? `: ${ws.errors.join(' | ')}` : ''}`);

  const bareConnected = await clients.request<Connected>({ cmd: 'connect', kind: 'sio', url: bare.url, cookies: new Array<string>(n).fill(''), concurrency: 50 }, 300_000);
  console.log(`bare Socket.IO (diagnostic): ${bareConnected.connected} connected, ${bareConnected.failed} failed in ${bareConnected.ms} ms`);

  const after = await measureBoth();
  console.log(`after:  app rss ${mib(after.ours.rssBytes)} MiB heap ${mib(after.ours.heapUsedBytes)} MiB (${after.ours.connections} connections); ws rss ${mib(after.plain.rssBytes)} MiB heap ${mib(after.plain.heapUsedBytes)} MiB (${after.plain.connections} connections)`);
  await clients.stop();

  const per = (side: 'ours' | 'plain' | 'bareSio', k: 'rssBytes' | 'heapUsedBytes' | 'externalBytes') => bytesPerConnection(before[side][k], after[side][k], n);
  const oursRss = per('ours', 'rssBytes');
  const plainRss = per('plain', 'rssBytes');
  const oursHeap = per('ours', 'heapUsedBytes');
  const plainHeap = per('plain', 'heapUsedBytes');
  const bareRss = per('bareSio', 'rssBytes');
  const bareHeap = per('bareSio', 'heapUsedBytes');
  const headline = ratio(oursRss, plainRss);
  const heapRatio = ratio(oursHeap, plainHeap);
  const allConnected = sio.connected === n && ws.connected === n && after.ours.connections === n && after.plain.connections === n;

  console.log(`\nper idle socket: ours rss ${kib(oursRss)} KiB, heap ${kib(oursHeap)} KiB; plain ws rss ${kib(plainRss)} KiB, heap ${kib(plainHeap)} KiB`);
  console.log(`diagnostic: bare Socket.IO rss ${kib(bareRss)} KiB, heap ${kib(bareHeap)} KiB per socket (${ratio(bareRss, plainRss)}× plain ws); ours is ${ratio(oursRss, bareRss)}× bare Socket.IO`);
  console.log(`headline: rss per socket ours / plain ws = ${headline} (target ≤ ${TARGET}); heap ratio ${heapRatio}; all connected: ${allConnected ? 'yes' : 'NO'}`);

  const sample = (m: Memory) => ({ rssMiB: mib(m.rssBytes), heapUsedMiB: mib(m.heapUsedBytes), externalMiB: mib(m.externalBytes), connections: m.connections, settleRounds: m.settleRounds });
  report({
    bench: NAME,
    ratio: headline,
    better: 'lower',
    target: TARGET,
    ok: allConnected,
    allConnected,
    sockets: n,
    oursRssKiBPerSocket: kib(oursRss),
    plainWsRssKiBPerSocket: kib(plainRss),
    oursHeapKiBPerSocket: kib(oursHeap),
    plainWsHeapKiBPerSocket: kib(plainHeap),
    heapRatio,
    bareSocketIoRssKiBPerSocket: kib(bareRss),
    bareSocketIoHeapKiBPerSocket: kib(bareHeap),
    oursToBareSocketIoRss: ratio(oursRss, bareRss),
    bareSocketIo: { before: sample(before.bareSio), after: sample(after.bareSio), connectMs: bareConnected.ms, failed: bareConnected.failed },
    oursExternalKiBPerSocket: kib(per('ours', 'externalBytes')),
    ours: { before: sample(before.ours), after: sample(after.ours), connectMs: sio.ms, failed: sio.failed },
    plainWs: { before: sample(before.plain), after: sample(after.plain), connectMs: ws.ms, failed: ws.failed },
    logins: { ms: loginMs, concurrency: loginConcurrency },
    settleMs,
    machine,
  });
}

await runBench(NAME, main);
