/**
 * Exploration, not a benchmark with a target: where does GET /api/me spend its time on PostgreSQL?
 * Measures bare Fastify, then each variant of explore/variant-server.ts and the real app, then bare again,
 * printing req/s, the ratio to bare and CPU µs per request of each process (server, PostgreSQL backends,
 * the load generator).
 *
 *   node --import tsx bench/explore/http-variants.ts
 *   VARIANTS=select1,drizzle-zod,cached  APP_POOLS=10,4  BENCH_DB=postgres|pglite-memory
 *   PG_SOCKET=/var/run/postgresql   (the servers reach PostgreSQL through its Unix socket instead of TCP)
 */
import { createPostgresDatabase } from '../../apps/server/test/db';
import { Client, signUpStudent } from '../../apps/server/test/app';
import { backendPids, type LoadFigures, loadSettings, machineInfo, measure, onCleanup, printLine, round, runBench, startChildServer } from '../lib';

const variants = (process.env.VARIANTS ?? 'select1,raw-session,raw-session-lean,drizzle,drizzle-zod,cached').split(',').filter(Boolean);
const appPools = (process.env.APP_POOLS ?? '10').split(',').filter(Boolean);
const dbKind = process.env.BENCH_DB ?? 'postgres';

async function main() {
  const settings = loadSettings();
  console.log(JSON.stringify(machineInfo()));
  const bare = await startChildServer('bare', 'bare-server.ts');
  const rows: [string, LoadFigures][] = [];
  rows.push(['bare #1', await measure('bare', `${bare.url}/bare`, settings, { cpuOf: { server: () => [bare.pid] } })]);

  let dbUrl: string | undefined;
  let dbName = '';
  if (dbKind === 'postgres') {
    process.env.DATABASE_URL ||= 'postgres://postgres@127.0.0.1:5432/postgres';
    const pgdb = await createPostgresDatabase();
    onCleanup(() => pgdb.drop());
    dbUrl = pgdb.url;
    dbName = new URL(dbUrl).pathname.slice(1);
    if (process.env.PG_SOCKET) {
      const u = new URL(dbUrl);
      dbUrl = `postgres://${u.username}@/${dbName}?host=${encodeURIComponent(process.env.PG_SOCKET)}`;
    }
    console.log(`servers use ${dbUrl}`);
  }
  const cpuOf = (pid: number) => ({
    server: () => [pid],
    ...(dbUrl ? { postgres: () => backendPids(process.env.DATABASE_URL!, dbName) } : {}),
  });

  for (const variant of variants) {
    const srv = await startChildServer(`variant-${variant}`, 'explore/variant-server.ts', {
      env: { VARIANT: variant, BENCH_DB: dbKind, BENCH_DATABASE_URL: dbUrl },
      cpuProfDir: process.env.BENCH_CPU_PROF,
    });
    const cookie = /^COOKIE (.+)$/m.exec(srv.output)?.[1];
    if (!cookie) throw new Error(`${variant} printed no cookie`);
    rows.push([variant, await measure(variant, `${srv.url}/v`, settings, { headers: { cookie }, cpuOf: cpuOf(srv.pid) })]);
    printLine(variant, rows.at(-1)![1]);
    await srv.stop();
  }

  for (const poolMax of appPools) {
    const app = await startChildServer(`app-pool${poolMax}`, 'app-server.ts', {
      env: dbUrl ? { BENCH_DB: 'postgres', BENCH_DATABASE_URL: dbUrl, BENCH_DB_POOL_MAX: poolMax } : { BENCH_DB: 'pglite-memory' },
      cpuProfDir: process.env.BENCH_CPU_PROF,
    });
    const client = new Client(app.url);
    await signUpStudent(client);
    if (poolMax === appPools[0]) {
      rows.push(['app /healthz', await measure('healthz', `${app.url}/healthz`, settings, { cpuOf: cpuOf(app.pid) })]);
      printLine('app /healthz', rows.at(-1)![1]);
    }
    const label = `app /api/me pool ${poolMax}`;
    rows.push([label, await measure(label, `${app.url}/api/me`, settings, { headers: { cookie: client.cookie }, cpuOf: cpuOf(app.pid) })]);
    printLine(label, rows.at(-1)![1]);
    await app.stop();
  }

  rows.push(['bare #2', await measure('bare', `${bare.url}/bare`, settings, { cpuOf: { server: () => [bare.pid] } })]);
  await bare.stop();
  const bareRps = round((rows[0]![1].rps + rows.at(-1)![1].rps) / 2, 0);
  console.log(`\nbare average ${bareRps} req/s (${dbKind})`);
  for (const [label, f] of rows) printLine(label, f, bareRps);
}

await runBench('http-variants', main);
