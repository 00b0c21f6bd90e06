import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { type Cluster, haproxyAvailable, startCluster } from '../../../scripts/cluster';
import { type Database, openDatabase } from '../src/platform/db';
import type { TestApp } from './app';
import { freePort } from './net';
import { clusterNodeEnv } from './cluster-env';
import { type PgCluster, postgresBinDir, startPgCluster } from './pg-cluster';
import { type RedisServer, startRedisServer } from './redis-server';

/** What the fault tests need that may be missing on a machine: each reason, or none. */
export function missingForFaults(): string[] {
  return [
    !haproxyAvailable() && 'haproxy is not installed',
    spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0 && 'redis-server is not installed',
    postgresBinDir() === null && 'no PostgreSQL server binaries under /usr/lib/postgresql',
  ].filter((m): m is string => Boolean(m));
}

/** The test's own connections carry this application_name, so the connection killer spares them. */
const CHECKER = 'tl-fault-check';
const DB_NAME = 'tutorline';

/**
 * Two (or more) nodes behind HAProxy (the code of `npm run cluster`) on a PostgreSQL cluster and a redis-server that this test
 * started itself, on ports of their own: the faults hit only them, never the machine's shared servers.
 */
export interface FaultCluster {
  cluster: Cluster;
  pg: PgCluster;
  redis: RedisServer;
  /** The test's own pool on the nodes' database (spared by terminateNodeBackends). */
  database: Database;
  /** Every line the nodes and HAProxy wrote, with who wrote it. */
  lines: { from: string; line: string }[];
  /** What the help test helpers need of a TestApp, for HAProxy and each node. */
  viaHaproxy: TestApp;
  viaNode: TestApp[];
  /** pg_terminate_backend on the client backends of the nodes' database (only those mid-statement with activeOnly), never the test's own; how many were killed. */
  terminateNodeBackends(activeOnly?: boolean): Promise<number>;
  /**
   * Holds an ACCESS EXCLUSIVE lock on the tables (from the test's own connection) until released: a node's statement on
   * them waits, so killWaiting() cuts a request's connection while its statement is surely in flight, every time.
   */
  holdTables(tables: string[]): Promise<{ killWaiting(): Promise<number>; release(): Promise<void> }>;
  /** Whether every node process is still the one started (alive, never restarted). */
  nodesAlive(): boolean;
  stop(): Promise<Record<string, number | null>>;
}

/** `nodes`: how many nodes behind HAProxy (two for the fault tests, three for the cluster e2e). */
export async function startFaultCluster(env: Record<string, string> = {}, nodes = 2): Promise<FaultCluster> {
  const pgc = await startPgCluster();
  const redis = await startRedisServer();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tutorline-faults-'));
  const admin = new pg.Client({ connectionString: pgc.url });
  // Its connection dies with the PostgreSQL restart test; it is only used before that.
  admin.on('error', () => {});
  await admin.connect();
  await admin.query(`CREATE DATABASE ${DB_NAME}`);
  const url = new URL(pgc.url);
  url.pathname = `/${DB_NAME}`;
  const lines: { from: string; line: string }[] = [];
  let cluster: Cluster;
  try {
    cluster = await startCluster({
      nodes,
      port: await freePort(),
      env: clusterNodeEnv({
        DATABASE_URL: url.toString(),
        DB_POOL_MAX: '5',
        REDIS_URL: redis.url,
        DATA_DIR: dataDir,
        DRAIN_DELAY_MS: '2500',
        JOBS_POLL_MS: '100',
        HELP_COOLDOWN_SECONDS: '0',
        LOGIN_MAX_PER_ACCOUNT: '10000',
        UPLOADS_PER_MINUTE: '10000',
        UPLOADS_PER_DAY: '1000000',
        BILLING_PROVIDER: 'fake',
        ...env,
      }),
      output: (line, from) => {
        lines.push({ from, line });
        // For a failure's post-mortem: CLUSTER_FAULTS_LOG=<file> keeps every node's and HAProxy's lines.
        if (process.env.CLUSTER_FAULTS_LOG) fs.appendFileSync(process.env.CLUSTER_FAULTS_LOG, `[${from}] ${line}\n`);
      },
      // A check's timeout is its interval: 1 s, so a node busy with the burst on two cores is not taken out as dead.
      checkIntervalMs: 1_000,
    });
  } catch (err) {
    await admin.end();
    await redis.kill();
    await pgc.destroy();
    throw err;
  }
  const checkerUrl = new URL(url);
  checkerUrl.searchParams.set('application_name', CHECKER);
  const database = await openDatabase({ kind: 'postgres', url: checkerUrl.toString(), poolMax: 2 });
  const pids = cluster.nodes.map((n) => n.pid);
  const as = (baseUrl: string) => ({ baseUrl, app: { database } }) as unknown as TestApp;
  return {
    cluster,
    pg: pgc,
    redis,
    database,
    lines,
    viaHaproxy: as(cluster.url),
    viaNode: cluster.nodes.map((n) => as(n.url)),
    async terminateNodeBackends(activeOnly = false) {
      const res = await admin.query<{ killed: boolean }>(
        `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
          WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND application_name <> $2
            AND ($3::boolean IS FALSE OR state <> 'idle')`,
        [DB_NAME, CHECKER, activeOnly],
      );
      return res.rows.filter((r) => r.killed).length;
    },
    async holdTables(tables) {
      const holder = new pg.Client({ connectionString: checkerUrl.toString() });
      holder.on('error', () => {});
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query(`LOCK TABLE ${tables.map((t) => `"${t.replace(/"/g, '')}"`).join(', ')} IN ACCESS EXCLUSIVE MODE`);
      return {
        async killWaiting() {
          const res = await admin.query<{ killed: boolean }>(
            `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
              WHERE datname = $1 AND backend_type = 'client backend' AND application_name <> $2 AND wait_event_type = 'Lock'`,
            [DB_NAME, CHECKER],
          );
          return res.rows.filter((r) => r.killed).length;
        },
        async release() {
          await holder.query('ROLLBACK').catch(() => {});
          await holder.end().catch(() => {});
        },
      };
    },
    nodesAlive: () =>
      pids.every((pid) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      }),
    async stop() {
      const codes = await cluster.stop();
      await database.close().catch(() => {});
      await admin.end().catch(() => {});
      await redis.kill();
      await pgc.destroy();
      fs.rmSync(dataDir, { recursive: true, force: true });
      return codes;
    },
  };
}

/** One check of the database after a fault: a name and the offending rows (none when it holds). */
export interface Invariant {
  what: string;
  rows: unknown[];
}

const rowsOf = async (database: Database, query: ReturnType<typeof sql>) => ((await database.db.execute(query)) as unknown as { rows: unknown[] }).rows;

/**
 * Nothing half-written by the requests a fault cut short: every check names rows that one transaction should have
 * written together but that are not all there (or not consistent with each other).
 */
export async function halfWritten(database: Database): Promise<Invariant[]> {
  const checks: [string, ReturnType<typeof sql>][] = [
    ['an instant session whose question is not claimed', sql`select s.id, q.status from tutoring_sessions s join questions q on q.id = s.question_id where q.status not in ('claimed', 'answered')`],
    ['a claimed question without exactly one session', sql`select q.id, count(s.id)::int as n from questions q left join tutoring_sessions s on s.question_id = q.id where q.status in ('claimed', 'answered') group by q.id having count(s.id) <> 1`],
    ['an instant session without its question', sql`select id from tutoring_sessions where kind = 'instant' and question_id is null`],
    ['a question without its photo', sql`select q.id from questions q where not exists (select 1 from question_photos p where p.question_id = q.id)`],
    ['a claimed question with no claim event', sql`select q.id from questions q where q.status in ('claimed', 'answered') and not exists (select 1 from question_events e where e.question_id = q.id and e.type = 'claimed')`],
    ['a held booking without a hold deadline', sql`select id from bookings where status = 'held' and held_until is null`],
    ['a paid booking checkout whose booking is not confirmed', sql`select c.id, b.status from checkouts c join bookings b on b.id = c.booking_id where c.status = 'paid' and b.status <> 'confirmed'`],
    ['a priced confirmed booking without a paid checkout', sql`select b.id from bookings b where b.status = 'confirmed' and b.price_minor > 0 and not exists (select 1 from checkouts c where c.booking_id = b.id and c.status = 'paid')`],
    ['a paid checkout without exactly one payment', sql`select c.id, count(p.id)::int as n from checkouts c left join payments p on p.checkout_id = c.id where c.status = 'paid' group by c.id having count(p.id) <> 1`],
    ['a payment of a checkout that is not paid', sql`select p.id, c.status from payments p join checkouts c on c.id = p.checkout_id where c.status <> 'paid'`],
    ['a payment without its ledger posting', sql`select p.id from payments p where p.ledger_transaction_id is null or not exists (select 1 from ledger_transactions t where t.id = p.ledger_transaction_id)`],
    ['a ledger transaction without entries', sql`select t.id from ledger_transactions t where not exists (select 1 from ledger_entries e where e.transaction_id = t.id)`],
    ['a ledger transaction that does not balance', sql`select e.transaction_id, e.currency, sum(e.amount_minor)::bigint as total from ledger_entries e group by e.transaction_id, e.currency having sum(e.amount_minor) <> 0`],
  ];
  const out: Invariant[] = [];
  for (const [what, query] of checks) out.push({ what, rows: await rowsOf(database, query) });
  return out;
}
