/** Ports, child servers, child workers and the IPC between them; everything stopped by pid. */
import { benchDir, envNumber, liveChildren, onCleanup, repoRoot } from './run';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

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
 * Set `cpuProfDir` to write V8 CPU profiles of the child into `<cpuProfDir>/<name>/` when it stops; `nodeArgs` adds
 * flags for node itself (e.g. `--expose-gc`).
 */
export async function startChildServer(
  name: string,
  script: string,
  opts: { env?: Record<string, string | undefined>; startTimeoutMs?: number; cpuProfDir?: string | undefined; nodeArgs?: string[] } = {},
): Promise<ChildServer> {
  const nodeArgs = [...(opts.nodeArgs ?? []), '--import', 'tsx'];
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

  const stop = (graceMs = 10_000) => stopChild(child, exited, graceMs);
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
  const stop = (graceMs = 10_000) => stopChild(child, exited, graceMs);
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

/** SIGTERM by pid, SIGKILL after the grace period, and wait for the exit. */
async function stopChild(child: ChildProcess, exited: Promise<void>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  process.kill(child.pid!, 'SIGTERM');
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
  }, graceMs);
  await exited;
  clearTimeout(timer);
}
