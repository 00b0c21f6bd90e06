import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '../../..');

export { freePort } from './net';

const live = new Set<ChildProcess>();
// Should the test worker itself be torn down mid-suite, no server it started outlives it.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  baseUrl: string;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILLs the process if it is still running, and waits for it to go. */
  kill(): Promise<void>;
}

/**
 * Starts `node --import tsx apps/server/src/main.ts` with only the given environment
 * (plus PATH and HOME), so the test runner's DATABASE_URL and REDIS_URL never leak in.
 */
export function spawnServer(env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TZ: 'UTC', NODE_ENV: 'test', SEED_DEMO: 'false', SFU: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  const chunks: string[] = [];
  child.stdout!.on('data', (c) => chunks.push(String(c)));
  child.stderr!.on('data', (c) => chunks.push(String(c)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  let done = false;
  void exited.then(() => {
    done = true;
  });
  return {
    child,
    pid: child.pid!,
    baseUrl: `http://127.0.0.1:${env.PORT ?? '3000'}`,
    output: () => chunks.join(''),
    exited,
    async kill() {
      if (done) return;
      try {
        process.kill(child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      await exited;
    },
  };
}

/** Waits until /readyz answers 200; fails early, with the output, if the process exits first. */
export async function waitForReady(proc: ServerProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void proc.exited.then(() => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) throw new Error(`server exited before it was ready:\n${proc.output()}`);
    try {
      const res = await fetch(`${proc.baseUrl}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server not ready within ${timeoutMs} ms:\n${proc.output()}`);
}

/** Resolves with the exit of a process that must stop by itself; rejects after timeoutMs. */
export function exitWithin(proc: ServerProcess, timeoutMs: number) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`process still running after ${timeoutMs} ms:\n${proc.output()}`)), timeoutMs);
  });
  return Promise.race([proc.exited, timeout]).finally(() => clearTimeout(timer));
}
