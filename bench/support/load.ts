/** Load generation with autocannon, and CPU time per process from /proc. */
import pg from 'pg';
import { round } from './report';
import type { Settings } from './run';
import fs from 'node:fs';
import type { Result as AutocannonResult } from 'autocannon';

// ---------------------------------------------------------------- load

export interface LoadFigures {
  /** Mean requests per second over the measured seconds. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  requests: number;
  durationS: number;
  /**
   * CPU time per request, in µs, of each watched process group and of the load generator (this process);
   * `machineCores` is how many cores the whole machine kept busy, `otherCores` the part of it used by
   * processes outside this benchmark (a shared machine's noise). Linux only; absent elsewhere.
   */
  cpu?: Record<string, number>;
}

const TICK_MS = 10; // USER_HZ is 100 on every Linux we run on

/** CPU time (user + system, all threads) a process has used so far, in ms; undefined when it is gone or there is no /proc. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return undefined;
  }
}

/** Busy and total CPU time of the whole machine so far, in ms (from /proc/stat). */
function machineCpuMs(): { busy: number; total: number } | undefined {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const [, ...nums] = line.trim().split(/\s+/);
    const v = nums.map(Number);
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    return { busy: (total - idle) * TICK_MS, total: total * TICK_MS };
  } catch {
    return undefined;
  }
}

/** Watches the CPU time of groups of processes over an interval. */
export async function cpuWatch(groups: Record<string, () => number[] | Promise<number[]>>) {
  const sum = (pids: number[]) => pids.reduce((a, pid) => a + (processCpuMs(pid) ?? 0), 0);
  const pidsAtStart: Record<string, number[]> = {};
  for (const [k, f] of Object.entries(groups)) pidsAtStart[k] = await f();
  const start = Object.fromEntries(Object.entries(pidsAtStart).map(([k, pids]) => [k, sum(pids)]));
  const self0 = process.cpuUsage();
  const machine0 = machineCpuMs();
  const t0 = performance.now();
  return (requests: number): Record<string, number> | undefined => {
    const machine1 = machineCpuMs();
    if (!machine0 || !machine1 || requests <= 0) return undefined;
    const wallMs = performance.now() - t0;
    const self = process.cpuUsage(self0);
    const perReq = (ms: number) => round((ms * 1000) / requests, 1);
    const out: Record<string, number> = {};
    let oursMs = (self.user + self.system) / 1000;
    out.loadgen = perReq(oursMs);
    for (const [k, pids] of Object.entries(pidsAtStart)) {
      const ms = sum(pids) - start[k]!;
      oursMs += ms;
      out[k] = perReq(ms);
    }
    const machineMs = machine1.busy - machine0.busy;
    out.machineCores = round(machineMs / wallMs, 2);
    out.otherCores = round(Math.max(0, machineMs - oursMs) / wallMs, 2);
    return out;
  };
}

/**
 * A warm-up run (discarded), then the measured run, with autocannon in this process. Throws when any request
 * failed or was not 2xx: a benchmark that measures error pages measures nothing.
 */
export async function measure(
  label: string,
  url: string,
  settings: Settings,
  opts: {
    headers?: Record<string, string>;
    method?: string;
    /** Process groups whose CPU time per request to report, e.g. { server: () => [pid] }; asked after the warm-up. */
    cpuOf?: Record<string, () => number[] | Promise<number[]>>;
  } = {},
): Promise<LoadFigures> {
  const { default: autocannon } = await import('autocannon');
  const run = async (duration: number) => {
    const result: AutocannonResult = await autocannon({
      url,
      method: opts.method ?? 'GET',
      headers: opts.headers ?? {},
      connections: settings.connections,
      pipelining: settings.pipelining,
      duration,
      timeout: 10,
    });
    if (result.errors || result.non2xx || result.timeouts) {
      throw new Error(
        `${label}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx responses ` +
          `(status codes: ${JSON.stringify(result.statusCodeStats)})`,
      );
    }
    return result;
  };
  if (settings.warmupS > 0) await run(settings.warmupS);
  const stopWatch = await cpuWatch(opts.cpuOf ?? {});
  const r = await run(settings.durationS);
  const cpu = stopWatch(r['2xx']);
  return {
    rps: round(r.requests.average, 0),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    meanMs: round(r.latency.average, 2),
    requests: r['2xx'],
    durationS: r.duration,
    ...(cpu ? { cpu } : {}),
  };
}

/** The PostgreSQL backend processes serving a database, so their CPU time can be counted. */
export async function backendPids(adminUrl: string, database: string): Promise<number[]> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [database]);
    return rows.map((r) => r.pid);
  } finally {
    await c.end();
  }
}
