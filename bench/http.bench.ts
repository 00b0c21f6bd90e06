/**
 * HTTP throughput of the real app against a bare Fastify route, both measured in this run.
 *
 * Baseline: `GET /bare` on bench/bare-server.ts, measured first and last; the two are averaged to cancel drift.
 * Ours (bench/app-server.ts, the real buildApp with logging off), each in its own process:
 *   1. GET /healthz
 *   2. GET /api/me with a student's session cookie, on PGlite (a temp DATA_DIR; BENCH_PGLITE=memory for in-memory)
 *   3. GET /api/me with a student's session cookie, on PostgreSQL (a fresh database next to DATABASE_URL,
 *      default postgres://postgres@127.0.0.1:5432/postgres, dropped afterwards)
 * Headline: (3) / bare, higher is better, target 0.5.
 *
 * Knobs: BENCH_DURATION_S (5), BENCH_WARMUP_S (1), BENCH_CONNECTIONS (10), BENCH_PIPELINING (1),
 * BENCH_DB_POOL_MAX (the app's default), BENCH_CPU_PROF=<dir> (V8 CPU profiles of the app processes),
 * BENCH_TIMEOUT_S (600).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, signUpStudent } from '../apps/server/test/app';
import { createPostgresDatabase } from '../apps/server/test/db';
import {
  backendPids,
  type ChildServer,
  type LoadFigures,
  loadSettings,
  machineInfo,
  measure,
  onCleanup,
  printLine,
  ratio,
  report,
  round,
  runBench,
  startChildServer,
} from './lib';

const NAME = 'http';
const TARGET = 0.5;

/** Signs up a student on a running app and returns the Cookie header for its session, after checking /api/me answers. */
async function studentCookie(baseUrl: string): Promise<string> {
  const client = new Client(baseUrl);
  const { email } = await signUpStudent(client);
  if (!client.cookie) throw new Error('signup set no session cookie');
  const me = await client.get('/api/me');
  if (me.status !== 200 || me.json?.email !== email) throw new Error(`GET /api/me answered ${me.status}: ${me.text}`);
  return client.cookie;
}

async function main() {
  const settings = loadSettings();
  const cpuProfDir = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined;
  const pgliteMode = process.env.BENCH_PGLITE === 'memory' ? 'memory' : 'dir';
  const machine = machineInfo();
  console.log(
    `http: ${machine.cpus} × ${machine.cpuModel}, ${machine.node}, load ${machine.loadAvg.join(' ')}; ` +
      `autocannon in this process shares the CPUs with the server (and PostgreSQL).`,
  );
  console.log(
    `      ${settings.connections} connections, pipelining ${settings.pipelining}, ${settings.warmupS} s warm-up + ${settings.durationS} s per figure\n`,
  );

  // The PostgreSQL database first, so that an unreachable server fails the run at once.
  process.env.DATABASE_URL ||= 'postgres://postgres@127.0.0.1:5432/postgres';
  const pgdb = await createPostgresDatabase();
  onCleanup(() => pgdb.drop());

  const bare = await startChildServer('bare', 'bare-server.ts');
  const bareUrl = `${bare.url}/bare`;
  const bareCpu = { server: () => [bare.pid] };
  const bare1 = await measure('bare #1', bareUrl, settings, { cpuOf: bareCpu });
  printLine('bare GET /bare (#1)', bare1);

  // 1 + 2: the app on PGlite.
  let dataDir: string | undefined;
  if (pgliteMode === 'dir') {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bench-pglite-'));
    const dir = dataDir;
    onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  }
  let app: ChildServer = await startChildServer('app-pglite', 'app-server.ts', {
    env: pgliteMode === 'dir' ? { BENCH_DB: 'pglite', BENCH_DATA_DIR: dataDir } : { BENCH_DB: 'pglite-memory' },
    cpuProfDir,
  });
  const litePid = app.pid;
  const healthz = await measure('healthz', `${app.url}/healthz`, settings, { cpuOf: { server: () => [litePid] } });
  const meLite = await measure('me pglite', `${app.url}/api/me`, settings, {
    headers: { cookie: await studentCookie(app.url) },
    cpuOf: { server: () => [litePid] },
  });
  await app.stop();

  // 3: the app on the fresh PostgreSQL database.
  app = await startChildServer('app-postgres', 'app-server.ts', {
    env: { BENCH_DB: 'postgres', BENCH_DATABASE_URL: pgdb.url },
    cpuProfDir,
  });
  const pgPid = app.pid;
  const pgName = new URL(pgdb.url).pathname.slice(1);
  const pgCookie = await studentCookie(app.url);
  const mePgOnce = () =>
    measure('me postgres', `${app.url}/api/me`, settings, {
      headers: { cookie: pgCookie },
      cpuOf: { server: () => [pgPid], postgres: () => backendPids(process.env.DATABASE_URL!, pgName) },
    });
  // The headline pairs each PostgreSQL measurement with a bare one taken right before it, three times, and takes
  // the median of the three ratios: on a shared machine the load changes from one minute to the next.
  const pairs: { bare: number; ours: number; ratio: number }[] = [];
  const mePgRuns: LoadFigures[] = [];
  for (let i = 0; i < 3; i++) {
    const b = await measure(`bare (pair ${i + 1})`, bareUrl, settings, { cpuOf: bareCpu });
    const o = await mePgOnce();
    mePgRuns.push(o);
    pairs.push({ bare: b.rps, ours: o.rps, ratio: ratio(o.rps, b.rps) });
    console.log(`pair ${i + 1}: bare ${b.rps} req/s, /api/me on PostgreSQL ${o.rps} req/s, ratio ${ratio(o.rps, b.rps).toFixed(3)}`);
  }
  const mePg = mePgRuns[0]!;
  await app.stop();

  const bare2 = await measure('bare #2', bareUrl, settings, { cpuOf: bareCpu });
  await bare.stop();

  const bareRps = round((bare1.rps + bare2.rps) / 2, 0);
  printLine('app GET /healthz', healthz, bareRps);
  printLine(`app GET /api/me (PGlite, ${pgliteMode})`, meLite, bareRps);
  printLine('app GET /api/me (PostgreSQL)', mePg, bareRps);
  printLine('bare GET /bare (#2)', bare2);
  // A share, not a headline ratio: two identical baselines (0) are fine here.
  const drift = bareRps > 0 ? round(Math.abs(bare1.rps - bare2.rps) / bareRps, 3) : Number.NaN;
  console.log(`bare average ${bareRps} req/s (the two baseline runs differ by ${(drift * 100).toFixed(1)}%${drift > 0.15 ? ': a noisy machine' : ''})`);
  if (cpuProfDir) console.log(`CPU profiles of the app processes in ${cpuProfDir}`);

  // CPU time per request of the bare server over ours: a second, less noise-sensitive view of the same gap.
  const bareCpuUs = bare1.cpu && bare2.cpu ? (bare1.cpu.server! + bare2.cpu.server!) / 2 : undefined;
  const figures = (prefix: string, f: LoadFigures, withRatio = true) => ({
    [`${prefix}Rps`]: f.rps,
    ...(withRatio ? { [`${prefix}Ratio`]: ratio(f.rps, bareRps) } : {}),
    ...(withRatio && bareCpuUs && f.cpu?.server ? { [`${prefix}ServerCpuRatio`]: ratio(bareCpuUs, f.cpu.server) } : {}),
    [`${prefix}P50Ms`]: f.p50Ms,
    [`${prefix}P99Ms`]: f.p99Ms,
    [`${prefix}MeanMs`]: f.meanMs,
    ...(f.cpu ? { [`${prefix}CpuUsPerReq`]: f.cpu } : {}),
  });
  const headline = [...pairs.map((p) => p.ratio)].sort((a, b) => a - b)[1]!;
  console.log(`\nheadline: GET /api/me on PostgreSQL at ${headline.toFixed(3)}× bare Fastify, the median of three adjacent pairs (target ≥ ${TARGET}×)`);
  report({
    bench: NAME,
    ratio: headline,
    better: 'higher',
    target: TARGET,
    ok: headline >= TARGET,
    bareRps,
    ...figures('bare1', bare1, false),
    ...figures('bare2', bare2, false),
    baselineDrift: drift,
    ...figures('healthz', healthz),
    ...figures('mePglite', meLite),
    ...figures('mePostgres', mePg),
    headlinePairs: pairs,
    pglite: pgliteMode,
    settings,
    machine,
  });
}

await runBench(NAME, main);
