/**
 * Shared helpers for benchmarks.
 *
 * Rules every benchmark follows: servers bind to 127.0.0.1, load goes to loopback, every run is bounded
 * in time, everything started is stopped at the end (child processes by pid), and each figure is printed
 * next to its ratio to a baseline measured in the same run. The last line of output is one JSON object,
 * also written to bench/results/<name>.json.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Result as AutocannonResult } from 'autocannon';

export const benchDir = import.meta.dirname;
export const repoRoot = path.resolve(benchDir, '..');

// ---------------------------------------------------------------- settings

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return n;
}

/** Load settings, overridable through the environment (BENCH_DURATION_S, BENCH_WARMUP_S, BENCH_CONNECTIONS, BENCH_PIPELINING). */
export function loadSettings() {
  return {
    durationS: envNumber('BENCH_DURATION_S', 5),
    warmupS: envNumber('BENCH_WARMUP_S', 1),
    connections: envNumber('BENCH_CONNECTIONS', 10),
    pipelining: envNumber('BENCH_PIPELINING', 1),
  };
}
export type Settings = ReturnType<typeof loadSettings>;

// ---------------------------------------------------------------- cleanup and the run wrapper

type Cleanup = () => Promise<void> | void;
const cleanups: Cleanup[] = [];

/** Registers something to undo at the end of the run (last registered, first run), even after a crash. */
export function onCleanup(fn: Cleanup) {
  cleanups.push(fn);
}

async function runCleanups() {
  while (cleanups.length) {
    const fn = cleanups.pop()!;
    try {
      await fn();
    } catch (err) {
      console.error('cleanup failed:', err);
    }
  }
}

/**
 * Runs a benchmark's body with a hard time limit (BENCH_TIMEOUT_S, default 600 s), then runs every cleanup.
 * Exit code 0 when the body finished (whether or not the target was met), 1 when it threw or timed out,
 * 130/143 when interrupted.
 */
export async function runBench(name: string, body: () => Promise<void>) {
  const limitS = envNumber('BENCH_TIMEOUT_S', 600);
  let stopping = false;
  const stop = async (code: number, why: string) => {
    if (stopping) return;
    stopping = true;
    if (why) console.error(`\n[${name}] ${why}; stopping servers and cleaning up`);
    await runCleanups();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(130, 'interrupted'));
  process.on('SIGTERM', () => void stop(143, 'terminated'));
  const timer = setTimeout(() => void stop(1, `exceeded BENCH_TIMEOUT_S=${limitS}`), limitS * 1000);
  try {
    await body();
    clearTimeout(timer);
    await stop(0, '');
  } catch (err) {
    clearTimeout(timer);
    console.error(`[${name}] crashed:`, err);
    await stop(1, 'crashed');
  }
}

// Last resort if the process exits without running cleanups: no child process outlives the benchmark.
const liveChildren = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of liveChildren) {
    if (child.pid && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});

// ---------------------------------------------------------------- ports and child servers

/** A port that was free on 127.0.0.1 a moment ago. Prefer letting a server listen on port 0 and report its port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface ChildServer extends IpcPeer {
  name: string;
  pid: number;
  url: string;
  /** What the child printed on stdout up to and including its LISTENING line. */
  output: string;
  /** Stops the process by pid: SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Messages over a child's IPC channel: requests answered by the child (see answerRequests), and anything it sends unasked. */
export interface IpcPeer {
  /** Sends `msg` and resolves with the child's answer; rejects with the child's error or after `timeoutMs`. */
  request<T = unknown>(msg: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  /** Calls `fn` with every message the child sends that is not an answer to a request. */
  onMessage(fn: (msg: any) => void): void;
}

function ipcPeer(name: string, child: ChildProcess): IpcPeer {
  let nextId = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const listeners: ((msg: any) => void)[] = [];
  child.on('message', (msg: any) => {
    const waiter = msg && typeof msg === 'object' && typeof msg.replyTo === 'number' ? pending.get(msg.replyTo) : undefined;
    if (waiter) {
      pending.delete(msg.replyTo);
      if (msg.error) waiter.reject(new Error(`${name}: ${msg.error}`));
      else waiter.resolve(msg.result);
      return;
    }
    for (const fn of listeners) fn(msg);
  });
  child.once('exit', (code, signal) => {
    for (const w of pending.values()) w.reject(new Error(`${name} exited (code ${code}, signal ${signal}) before answering`));
    pending.clear();
  });
  return {
    request<T>(msg: Record<string, unknown>, timeoutMs = 60_000) {
      return new Promise<T>((resolve, reject) => {
        const id = nextId++;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${name} did not answer ${JSON.stringify(msg).slice(0, 80)} within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (v) => {
            clearTimeout(timer);
            resolve(v as T);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        child.send({ ...msg, requestId: id });
      });
    },
    onMessage(fn) {
      listeners.push(fn);
    },
  };
}

/**
 * For child scripts: answers the parent's `request()` messages with `handler`'s result (or its error).
 * Messages without a requestId are ignored.
 */
export function answerRequests(handler: (msg: any) => Promise<unknown> | unknown) {
  process.on('message', (msg: any) => {
    if (!msg || typeof msg.requestId !== 'number') return;
    Promise.resolve()
      .then(() => handler(msg))
      .then(
        (result) => process.send?.({ replyTo: msg.requestId, result }),
        (err: unknown) => process.send?.({ replyTo: msg.requestId, error: err instanceof Error ? err.message : String(err) }),
      );
  });
}

const LISTENING = /^LISTENING (http:\/\/127\.0\.0\.1:\d+)\s*$/m;

/**
 * Starts `node --import tsx <script>` and waits until it prints `LISTENING http://127.0.0.1:<port>`.
 * The child gets an IPC channel so it can exit by itself when this process goes away (see serveUntilStopped).
 * Set `cpuProfDir` to write V8 CPU profiles of the child into `<cpuProfDir>/<name>/` when it stops.
 */
export async function startChildServer(
  name: string,
  script: string,
  opts: { env?: Record<string, string | undefined>; startTimeoutMs?: number; cpuProfDir?: string | undefined } = {},
): Promise<ChildServer> {
  const nodeArgs = ['--import', 'tsx'];
  if (opts.cpuProfDir) {
    // One folder per server: Node writes one profile per thread (tsx's loader runs in its own), named CPU.<date>.<pid>.<tid>.
    const dir = path.join(opts.cpuProfDir, name);
    fs.mkdirSync(dir, { recursive: true });
    nodeArgs.push('--cpu-prof', '--cpu-prof-dir', dir);
  }
  const child = spawn(process.execPath, [...nodeArgs, path.resolve(benchDir, script)], {
    cwd: repoRoot,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  liveChildren.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => liveChildren.delete(child));
  const peer = ipcPeer(name, child);

  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (stderr.length > 20_000) stderr = stderr.slice(-20_000);
  });

  const stop = async (graceMs = 10_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(child.pid!, 'SIGTERM');
    const timer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
    }, graceMs);
    await exited;
    clearTimeout(timer);
  };
  onCleanup(() => stop());

  const url = await new Promise<string>((resolve, reject) => {
    const timeoutMs = opts.startTimeoutMs ?? 60_000;
    const timer = setTimeout(() => reject(new Error(`${name} did not report LISTENING within ${timeoutMs} ms\n${stderr}`)), timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = LISTENING.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before listening (code ${code}, signal ${signal})\n${stderr}`));
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
  // Keep draining its output so the child never blocks on a full pipe.
  child.stdout!.removeAllListeners('data');
  child.stdout!.resume();
  return { name, pid: child.pid!, url, output: stdout, stop, ...peer };
}

/**
 * For child server scripts: announces the URL, then closes cleanly on SIGTERM/SIGINT, when the parent goes
 * away (IPC disconnect), or after BENCH_SERVER_MAX_S (default 900 s), whichever comes first.
 */
export function serveUntilStopped(url: string, close: () => Promise<void>) {
  let closing = false;
  const shutdown = (code: number) => {
    if (closing) return;
    closing = true;
    const force = setTimeout(() => process.exit(code || 1), 10_000);
    force.unref();
    close()
      .catch((err) => {
        console.error('close failed:', err);
        code = code || 1;
      })
      .finally(() => process.exit(code));
  };
  process.on('SIGTERM', () => shutdown(0));
  process.on('SIGINT', () => shutdown(0));
  process.on('disconnect', () => shutdown(0));
  const maxS = envNumber('BENCH_SERVER_MAX_S', 900);
  setTimeout(() => {
    console.error(`server exceeded BENCH_SERVER_MAX_S=${maxS}, exiting`);
    shutdown(2);
  }, maxS * 1000).unref();
  process.stdout.write(`LISTENING ${url}\n`);
}

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

// ---------------------------------------------------------------- output

export const round = (n: number, digits = 3) => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

export const ratio = (ours: number, baseline: number) => (baseline > 0 ? round(ours / baseline, 3) : 0);

/** One aligned line: label, rps, latency, and the ratio to the baseline. */
export function printLine(label: string, f: LoadFigures, baselineRps?: number) {
  const r = baselineRps === undefined ? '' : `  ratio ${ratio(f.rps, baselineRps).toFixed(3)}`;
  const cpu = f.cpu
    ? `  cpu µs/req ${Object.entries(f.cpu)
        .filter(([k]) => !k.endsWith('Cores'))
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}; other procs ${f.cpu.otherCores} cores`
    : '';
  console.log(
    `${label.padEnd(34)} ${String(f.rps).padStart(7)} req/s  p50 ${String(f.p50Ms).padStart(3)} ms  p99 ${String(f.p99Ms).padStart(3)} ms${r}${cpu}`,
  );
}

export function machineInfo() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memMiB: Math.round(os.totalmem() / 2 ** 20),
    loadAvg: os.loadavg().map((n) => round(n, 2)),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

export interface Report {
  bench: string;
  /** ours / baseline, both measured in this run. */
  ratio: number;
  better: 'lower' | 'higher';
  target: number;
  ok: boolean;
  [figure: string]: unknown;
}

/** Prints the report as the last line of output (one JSON object) and writes it to bench/results/<name>.json. */
export function report(r: Report) {
  const line = JSON.stringify(r);
  const dir = path.join(benchDir, 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${r.bench}.json`), `${JSON.stringify(r, null, 2)}\n`);
  console.log(line);
}

// ---------------------------------------------------------------- timing across processes, and latency figures

/**
 * Milliseconds (fractional) on the monotonic clock behind process.hrtime, i.e. CLOCK_MONOTONIC on Linux, which
 * every process on the machine shares: a time taken in one process can be subtracted from one taken in another
 * with no skew and sub-microsecond resolution (unlike Date.now(): 1 ms steps; or performance.now(): per process).
 */
export const monoMs = () => Number(process.hrtime.bigint()) / 1e6;

/** Nearest-rank percentile of an ascending array (p in 0..100). */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);

export interface Latencies {
  n: number;
  minMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

/** p50/p90/p99 etc. of a set of durations in ms, rounded to µs. */
export function latencies(values: number[]): Latencies {
  const s = [...values].sort((a, b) => a - b);
  const r = (n: number) => round(n, 3);
  return {
    n: s.length,
    minMs: r(s[0] ?? Number.NaN),
    p50Ms: r(percentile(s, 50)),
    p90Ms: r(percentile(s, 90)),
    p99Ms: r(percentile(s, 99)),
    maxMs: r(s[s.length - 1] ?? Number.NaN),
    meanMs: r(s.reduce((a, b) => a + b, 0) / (s.length || 1)),
  };
}

// ---------------------------------------------------------------- child workers (load generators, clients)

export interface ChildWorker extends IpcPeer {
  name: string;
  pid: number;
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `node --import tsx <script>` with an IPC channel and waits for it to send `{ type: 'ready' }`
 * (see workerReady). Talk to it with request(); it is stopped by pid at the end of the run.
 * `shell` runs it through `sh -c '<shell> && exec node …'`, e.g. `ulimit -n 8192`.
 */
export async function startChildWorker(
  name: string,
  script: string,
  opts: { env?: Record<string, string | undefined>; startTimeoutMs?: number; shell?: string } = {},
): Promise<ChildWorker> {
  const args = ['--import', 'tsx', path.resolve(benchDir, script)];
  const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
  const child = opts.shell
    ? spawn('/bin/sh', ['-c', `${opts.shell} && exec ${[process.execPath, ...args].map(quote).join(' ')}`], {
        cwd: repoRoot,
        env: { ...process.env, ...opts.env },
        stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      })
    : spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
  liveChildren.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => liveChildren.delete(child));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (stderr.length > 20_000) stderr = stderr.slice(-20_000);
    process.stderr.write(`[${name}] ${d.toString()}`);
  });
  const peer = ipcPeer(name, child);
  const stop = async (graceMs = 10_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(child.pid!, 'SIGTERM');
    const timer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
    }, graceMs);
    await exited;
    clearTimeout(timer);
  };
  onCleanup(() => stop());
  await new Promise<void>((resolve, reject) => {
    const timeoutMs = opts.startTimeoutMs ?? 60_000;
    const timer = setTimeout(() => reject(new Error(`${name} was not ready within ${timeoutMs} ms\n${stderr}`)), timeoutMs);
    peer.onMessage((msg) => {
      if (msg?.type === 'ready') {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before it was ready (code ${code}, signal ${signal})\n${stderr}`));
    });
  });
  return { name, pid: child.pid!, stop, ...peer };
}

/**
 * For worker scripts: answers requests with `handler`, tells the parent it is ready, and exits when the parent
 * goes away, on SIGTERM/SIGINT (after `close`), or after BENCH_SERVER_MAX_S (default 900 s).
 */
export function workerReady(handler: (msg: any) => Promise<unknown> | unknown, close: () => Promise<void> | void = () => {}) {
  answerRequests(handler);
  let closing = false;
  const shutdown = (code: number) => {
    if (closing) return;
    closing = true;
    setTimeout(() => process.exit(code || 1), 10_000).unref();
    Promise.resolve()
      .then(close)
      .catch((err) => console.error('close failed:', err))
      .finally(() => process.exit(code));
  };
  process.on('SIGTERM', () => shutdown(0));
  process.on('SIGINT', () => shutdown(0));
  process.on('disconnect', () => shutdown(0));
  setTimeout(() => shutdown(2), envNumber('BENCH_SERVER_MAX_S', 900) * 1000).unref();
  process.send?.({ type: 'ready' });
}
