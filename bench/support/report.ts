/** Output: figures, ratios, the one JSON line and bench/results/<name>.json; timing across processes. */
import type { LoadFigures } from './load';
import { benchDir } from './run';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// ---------------------------------------------------------------- output

export const round = (n: number, digits = 3) => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

const usable = (n: number) => Number.isFinite(n) && n > 0;

/**
 * ours / baseline, rounded. Fails closed: NaN when either side is missing, zero, negative or not finite, so a broken
 * measurement can never look like a good "lower is better" ratio (0 used to pass `ratio <= target`).
 */
export const ratio = (ours: number, baseline: number) => (usable(ours) && usable(baseline) ? round(ours / baseline, 3) : Number.NaN);

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

/**
 * The verdict a report may carry: the bench's own `ok` AND a finite, positive headline ratio on the right side of
 * the target. Applied to every report, so no bench can pass on a broken baseline.
 */
export function verdict(r: Pick<Report, 'ratio' | 'better' | 'target' | 'ok'>): boolean {
  if (!usable(r.ratio) || !Number.isFinite(r.target)) return false;
  const withinTarget = r.better === 'lower' ? r.ratio <= r.target : r.ratio >= r.target;
  return r.ok && withinTarget;
}

/** Prints the report as the last line of output (one JSON object) and writes it to bench/results/<name>.json. */
export function report(input: Report) {
  // A NaN ratio is printed as null (JSON has no NaN), next to ok: false.
  const r: Report = { ...input, ok: verdict(input) };
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

