/** Settings, clean-up and the run wrapper every benchmark goes through. */
import { type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** The bench/ folder. */
export const benchDir = path.resolve(import.meta.dirname, '..');
export const repoRoot = path.resolve(benchDir, '..');

// ---------------------------------------------------------------- settings

export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return n;
}

/** A positive whole number from the environment, else the fallback (BENCH_ROUNDS and the like). */
export function envInt(name: string, fallback: number): number {
  const v = Number(process.env[name] ?? '');
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

/** A seeded generator (mulberry32) of numbers in [0, 1), so runs are comparable. */
export function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
export const liveChildren = new Set<ChildProcess>();
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

