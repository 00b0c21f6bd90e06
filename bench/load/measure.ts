/** What the peak run reads from the cluster: each node's RSS and CPU (/proc), its /metrics, and PostgreSQL's own counters. */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { processCpuMs } from '../lib';

/** Resident memory of a process in bytes (VmRSS), NaN when it is gone. */
export function rssBytes(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

export const cpuMs = (pid: number) => processCpuMs(pid) ?? Number.NaN;

/** One gauge or counter from a Prometheus text exposition (the unlabelled sample), NaN when absent. */
export function metricValue(text: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{\\})? ([0-9.eE+-]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : Number.NaN;
}

export async function nodeMetrics(url: string) {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  return {
    sockets: metricValue(text, 'realtime_connected_sockets'),
    rssBytes: metricValue(text, 'process_resident_memory_bytes'),
    heapBytes: metricValue(text, 'nodejs_heap_size_used_bytes'),
    eventLoopLagP99S: metricValue(text, 'nodejs_eventloop_lag_p99_seconds'),
  };
}

/** Bytes under a folder (the question photos on disk). */
export function folderBytes(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((sum, e) => sum + fs.statSync(path.join(e.parentPath, e.name)).size, 0);
}

/** A small admin connection to the run's database: size, connections, row counts. */
export async function pgProbe(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const dbName = new URL(url).pathname.slice(1);
  // One client, one statement at a time: the sampler and the other reads queue behind each other.
  let tail: Promise<unknown> = Promise.resolve();
  const query = <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => {
    const run = tail.then(() => client.query<R>(text, values));
    tail = run.catch(() => {});
    return run;
  };
  return {
    async size(): Promise<number> {
      const { rows } = await query<{ n: string }>('select pg_database_size($1)::bigint as n', [dbName]);
      return Number(rows[0]!.n);
    },
    /** Connections to this database, and how many of them are running a statement (this probe's own excluded). */
    async connections(): Promise<{ total: number; active: number }> {
      const { rows } = await query<{ total: number; active: number }>(
        "select count(*)::int as total, count(*) filter (where state = 'active')::int as active from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
        [dbName],
      );
      return rows[0]!;
    },
    async backendPids(): Promise<number[]> {
      const { rows } = await query<{ pid: number }>('select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [dbName]);
      return rows.map((r) => r.pid);
    },
    async count(table: string): Promise<number> {
      const { rows } = await query<{ n: number }>(`select count(*)::int as n from ${client.escapeIdentifier(table)}`);
      return rows[0]!.n;
    },
    /** Questions with other than exactly one tutoring session, among those claimed. */
    async claimsWithoutOneSession(): Promise<number> {
      const { rows } = await query<{ n: number }>(
        "select count(*)::int as n from questions q where q.status <> 'open' and q.claimed_by is not null and (select count(*) from tutoring_sessions s where s.question_id = q.id) <> 1",
      );
      return rows[0]!.n;
    },
    async maxConnections(): Promise<number> {
      const { rows } = await query<{ max_connections: string }>('show max_connections');
      return Number(rows[0]!.max_connections);
    },
    close: () => client.end(),
  };
}
