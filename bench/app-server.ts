/**
 * The real Tutorline app in its own process, for HTTP benchmarks. Logging is off (LOG_LEVEL silent).
 * Prints `LISTENING <url>` once ready; always binds to 127.0.0.1.
 *
 *   BENCH_DB=pglite-memory           in-memory PGlite (default)
 *   BENCH_DB=pglite                  PGlite in BENCH_DATA_DIR (the caller creates and removes the folder)
 *   BENCH_DB=postgres                PostgreSQL at BENCH_DATABASE_URL (BENCH_DATA_DIR, if set, holds uploaded files;
 *                                    otherwise the app's default ./data)
 *   BENCH_DB_POOL_MAX=<n>            pg pool size (the app's default otherwise)
 *   PORT=<n>                         default 0 (any free port)
 *   HELP_* , JOBS_POLL_MS            the app's own variables for instant-help dispatch and the job runner (README.md)
 *   LOGIN_*                          the app's own log-in limits (README.md), for benches that log many users in
 *   BENCH_REDIS_URL=<url>            Socket.IO's Redis Streams adapter (the app's REDIS_URL); none by default
 *   BENCH_SIGNING_SECRET=<secret>    the app's SIGNING_SECRET: several nodes on one database must share it (a fresh
 *                                    random one per process otherwise, as in testConfig)
 *   BENCH_NODE_ID=<id>               the app's NODE_ID (in its log lines and traces)
 *   BENCH_APP_LOG_LEVEL=<level>      exploration only: log at this level instead of silent (lines go to stdout)
 *   BENCH_TRACE=1                    send the parent (IPC) timestamps on the shared monotonic clock (lib.monoMs):
 *                                    { type: 'trace:wave-commit', questionId, notified, txStartMs, commitMs } when the
 *                                    transaction of a dispatch wave has committed (its COMMIT has returned), and
 *                                    { type: 'trace:emit', event, questionId, rooms, startMs, endMs } around each
 *                                    Socket.IO broadcast of help:question; and, on every node, for help:question,
 *                                    { type: 'trace:local-broadcast', questionId, startMs, endMs } around the
 *                                    adapter's write to this node's own sockets (after the Redis round trip on the node
 *                                    that emits, on reading the stream on the others), and { type: 'trace:publish',
 *                                    questionId, startMs, endMs } around the Streams adapter's XADD. Wraps the app's
 *                                    objects (and socket.io-adapter's in-memory broadcast); no server code changes.
 *
 * IPC requests (lib.answerRequests):
 *   { cmd: 'memory' }                → { connections (engine.io clients), ...lib.settledMemory() } (needs node --expose-gc)
 */
import { buildApp } from '../apps/server/src/app';
import { type Config, loadConfig, testConfig } from '../apps/server/src/config';
import { type Database, openDatabase } from '../apps/server/src/platform/db';
import { answerRequests, monoMs, serveUntilStopped, settledMemory } from './lib';

const kind = process.env.BENCH_DB ?? 'pglite-memory';
const overrides: Partial<Config> = { host: '127.0.0.1', port: Number(process.env.PORT ?? 0), logLevel: (process.env.BENCH_APP_LOG_LEVEL as Config['logLevel'] | undefined) ?? 'silent', seedDemo: false };
let ownDatabase: Database | undefined;
if (process.env.BENCH_REDIS_URL) overrides.redisUrl = process.env.BENCH_REDIS_URL;
if (process.env.BENCH_SIGNING_SECRET) overrides.signingSecret = process.env.BENCH_SIGNING_SECRET;
if (process.env.BENCH_NODE_ID) overrides.nodeId = process.env.BENCH_NODE_ID;

// The app's own dispatch and job-runner variables, validated by its config loader (defaults when unset).
const appEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('HELP_') || k.startsWith('LOGIN_') || k === 'JOBS_POLL_MS'));
if (Object.keys(appEnv).length) {
  const fromEnv = loadConfig({ NODE_ENV: 'test', ...appEnv });
  overrides.help = fromEnv.help;
  overrides.jobsPollMs = fromEnv.jobsPollMs;
  overrides.login = fromEnv.login;
}

switch (kind) {
  case 'pglite-memory':
    ownDatabase = await openDatabase({ kind: 'pglite-memory' });
    break;
  case 'pglite': {
    const dataDir = process.env.BENCH_DATA_DIR;
    if (!dataDir) throw new Error('BENCH_DB=pglite needs BENCH_DATA_DIR');
    overrides.dataDir = dataDir;
    overrides.databaseUrl = undefined;
    break;
  }
  case 'postgres': {
    const url = process.env.BENCH_DATABASE_URL;
    if (!url) throw new Error('BENCH_DB=postgres needs BENCH_DATABASE_URL');
    overrides.databaseUrl = url;
    if (process.env.BENCH_DATA_DIR) overrides.dataDir = process.env.BENCH_DATA_DIR;
    if (process.env.BENCH_DB_POOL_MAX) overrides.dbPoolMax = Number(process.env.BENCH_DB_POOL_MAX);
    break;
  }
  default:
    throw new Error(`unknown BENCH_DB "${kind}"`);
}

const app = await buildApp(testConfig(overrides), ownDatabase ? { database: ownDatabase } : {});
if (process.env.BENCH_TRACE === '1') trace();
answerRequests((msg: { cmd: string }) => {
  if (msg.cmd === 'memory') return settledMemory().then((m) => ({ connections: app.realtime.io.engine.clientsCount, ...m }));
  throw new Error(`unknown command ${msg.cmd}`);
});
const url = await app.listen();
serveUntilStopped(url, async () => {
  await app.close();
  await ownDatabase?.close();
});

/** Timestamps for the parent, by wrapping two methods on the app's own instances (the code paths stay the same). */
function trace() {
  const send = (msg: Record<string, unknown>) => process.send?.(msg);
  // Drizzle's transaction() resolves after its COMMIT statement has returned; the wave's callback returns { notified, row }.
  const db = app.database.db as unknown as { transaction(fn: unknown, cfg?: unknown): Promise<unknown> };
  const transaction = db.transaction.bind(db);
  db.transaction = async (fn: unknown, cfg?: unknown) => {
    const txStartMs = monoMs();
    const result = await transaction(fn, cfg);
    const commitMs = monoMs();
    const r = result as { notified?: unknown; row?: { id?: string } } | null;
    if (r && Array.isArray(r.notified) && r.row?.id) send({ type: 'trace:wave-commit', questionId: r.row.id, notified: r.notified.length, txStartMs, commitMs });
    return result;
  };
  const io = app.realtime.io as unknown as { to(rooms: string[]): { emit(event: string, payload: unknown): boolean } };
  const to = io.to.bind(io);
  io.to = (rooms: string[]) => {
    const op = to(rooms);
    const emit = op.emit.bind(op);
    op.emit = (event: string, payload: unknown) => {
      if (event !== 'help:question') return emit(event, payload);
      const startMs = monoMs();
      const ok = emit(event, payload);
      const endMs = monoMs();
      send({ type: 'trace:emit', event, questionId: (payload as { questionId?: string }).questionId, rooms: Array.isArray(rooms) ? rooms.length : 1, startMs, endMs });
      return ok;
    };
    return op;
  };
  const helpQuestionId = (packet: unknown) => {
    const data = (packet as { data?: unknown[] } | undefined)?.data;
    return Array.isArray(data) && data[0] === 'help:question' ? (data[1] as { questionId?: string } | undefined)?.questionId : undefined;
  };
  // The in-memory Adapter's broadcast writes to this node's sockets; the cluster adapter calls it (super.broadcast)
  // after its XADD on the emitting node, and on reading the stream on the others.
  const adapter = app.realtime.io.of('/').adapter as unknown as Record<string, unknown>;
  let base: any = adapter;
  while (base && !(Object.prototype.hasOwnProperty.call(base, 'broadcast') && base.constructor?.name === 'Adapter')) base = Object.getPrototypeOf(base);
  if (!base) throw new Error('BENCH_TRACE: no in-memory Adapter.broadcast on the prototype chain');
  const localBroadcast = base.broadcast as (packet: unknown, opts: unknown) => void;
  base.broadcast = function (this: unknown, packet: unknown, opts: unknown) {
    const questionId = helpQuestionId(packet);
    if (!questionId) return localBroadcast.call(this, packet, opts);
    const startMs = monoMs();
    localBroadcast.call(this, packet, opts);
    send({ type: 'trace:local-broadcast', questionId, startMs, endMs: monoMs() });
  };
  const publish = adapter.publishAndReturnOffset as ((message: unknown) => Promise<unknown>) | undefined;
  if (typeof publish === 'function') {
    adapter.publishAndReturnOffset = async (message: { data?: { packet?: unknown } }) => {
      const questionId = helpQuestionId(message?.data?.packet);
      const startMs = monoMs();
      const offset = await publish.call(adapter, message);
      if (questionId) send({ type: 'trace:publish', questionId, startMs, endMs: monoMs() });
      return offset;
    };
  }
}
