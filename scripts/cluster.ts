// `npm run cluster [-- --nodes 3 --port 8080]`: several identical Tutorline nodes on one PostgreSQL and one Redis,
// behind HAProxy (decision 066). The same startCluster() runs in apps/server/test/cluster.int.test.ts.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { pathToFileURL } from 'node:url';
import { freePort } from '../apps/server/src/platform/net';

const root = path.resolve(import.meta.dirname, '..');
export const haproxyTemplatePath = path.join(root, 'deploy/haproxy.cfg');

/** A refusal the command line prints as it is, without a stack (exit code 78, as the server's configuration errors). */
export class ClusterError extends Error {}

export interface ClusterArgs {
  nodes: number;
  port: number;
}

/** `--nodes N` (1 to 16, default 3) and `--port P` (default PORT or 8080): the port HAProxy listens on. */
export function parseClusterArgs(argv: string[], env: Record<string, string | undefined>): ClusterArgs {
  const args: ClusterArgs = { nodes: 3, port: env.PORT ? Number(env.PORT) : 8080 };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const value = inline ?? argv[++i];
    if (name === '--nodes') args.nodes = Number(value);
    else if (name === '--port') args.port = Number(value);
    else throw new ClusterError(`Unknown option ${name}. Usage: npm run cluster -- [--nodes 3] [--port 8080]`);
  }
  if (!Number.isInteger(args.nodes) || args.nodes < 1 || args.nodes > 16) throw new ClusterError('--nodes must be a whole number from 1 to 16.');
  if (!Number.isInteger(args.port) || args.port < 1 || args.port > 65535) throw new ClusterError('--port (or PORT) must be a port number from 1 to 65535.');
  return args;
}

/** Refuses, naming what is missing, a cluster on PGlite, without Redis or without a shared signing secret. */
export function checkClusterEnv(env: Record<string, string | undefined>): void {
  const missing = ['DATABASE_URL', 'REDIS_URL', 'SIGNING_SECRET'].filter((name) => !env[name]);
  if (missing.length === 0) return;
  throw new ClusterError(
    `npm run cluster needs ${missing.join(', ')}. Several nodes share one PostgreSQL server (DATABASE_URL=postgres://…), ` +
      'one Redis (REDIS_URL=redis://…) and one SIGNING_SECRET (at least 32 characters): PGlite is an embedded, single-process ' +
      'database, without Redis a socket event reaches only the clients of the node that sent it, and a link signed by one ' +
      'node must verify on the others. See "Running several nodes" in README.md.',
  );
}

export interface HaproxyFill {
  bind: string;
  nodes: { id: string; port: number }[];
  checkIntervalMs: number;
}

/** deploy/haproxy.cfg with its {{…}} fields filled in: pure, so the template's shape is tested without HAProxy. */
export function renderHaproxyConfig(template: string, fill: HaproxyFill): string {
  const servers = fill.nodes.map((n) => `    server ${n.id} 127.0.0.1:${n.port} check cookie ${n.id}`).join('\n');
  const out = template.replaceAll('{{BIND}}', fill.bind).replaceAll('{{SERVERS}}', servers).replaceAll('{{DRAIN_CHECK_INTER}}', `${fill.checkIntervalMs}ms`);
  const left = /\{\{\w+\}\}/.exec(out);
  if (left) throw new ClusterError(`deploy/haproxy.cfg has a field npm run cluster does not fill: ${left[0]}`);
  return out;
}

/** True when an `haproxy` binary runs from the PATH. */
export function haproxyAvailable(): boolean {
  return spawnSync('haproxy', ['-v'], { stdio: 'ignore' }).status === 0;
}


export interface ClusterNode {
  id: string;
  port: number;
  url: string;
  pid: number;
}

export interface Cluster {
  /** HAProxy's address: what clients use. */
  url: string;
  nodes: ClusterNode[];
  haproxyPid: number;
  /** Drains the nodes one by one (SIGTERM, each exits by itself), then stops HAProxy; resolves with each node's exit code. */
  stop(): Promise<Record<string, number | null>>;
  /**
   * One step of a rolling restart: drains the node (SIGTERM: /readyz goes 503, HAProxy takes it out, it finishes what
   * it holds and exits), starts it again on the same port with the same settings, and resolves with the old process's
   * exit code once the new one is ready and HAProxy's check has seen it.
   */
  restart(id: string): Promise<number | null>;
}

export interface ClusterOptions extends ClusterArgs {
  /** The nodes' environment: DATABASE_URL, REDIS_URL and any other setting; HOST, PORT, NODE_ID and TRUST_PROXY are set per node. */
  env: Record<string, string | undefined>;
  /** Each line a node or HAProxy writes, with who wrote it; the console by default. */
  output?: (line: string, from: string) => void;
  /** HAProxy's health-check interval; two failed checks take a node out. */
  checkIntervalMs?: number;
  readyTimeoutMs?: number;
}

interface Child {
  name: string;
  proc: ChildProcess;
  exited: Promise<number | null>;
  done: boolean;
}

const consoleOutput = (line: string, from: string) => process.stdout.write(from.startsWith('node-') ? `${line}\n` : `[${from}] ${line}\n`);

const live = new Set<ChildProcess>();
// Should this process die without stopping them (an uncaught error, a SIGKILL'd parent's exit), nothing it started stays.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

function start(name: string, command: string, args: string[], env: Record<string, string | undefined>, output: (line: string, from: string) => void): Child {
  // A process group of its own: Ctrl-C at the terminal reaches only this script, which then drains the nodes one by one
  // (in the terminal's group, every node would get the SIGINT at once and all would drain together).
  const proc = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  const child: Child = { name, proc, done: false, exited: new Promise(() => {}) };
  child.exited = new Promise((resolve) => {
    proc.once('error', (err) => {
      output(`could not start ${command}: ${err.message}`, name);
      child.done = true;
      resolve(null);
    });
    proc.once('exit', (code) => {
      child.done = true;
      resolve(code);
    });
  });
  for (const stream of [proc.stdout!, proc.stderr!]) readline.createInterface({ input: stream }).on('line', (line) => output(line, name));
  return child;
}

async function waitFor(url: string, child: Child, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.done) throw new ClusterError(`${child.name} exited before it was ready (its output is above).`);
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2_000) })).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new ClusterError(`${child.name} was not ready within ${timeoutMs} ms.`);
}

/**
 * Until HAProxy sends requests to node `id` again (one good health check, rise 1): a request carrying its sticky
 * cookie goes to it while it is up; while it is down HAProxy sends it elsewhere and sets the cookie to the other node.
 */
async function untilHaproxyRoutesTo(url: string, id: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await fetch(`${url}/healthz`, { headers: { cookie: `tl_node=${id}` }, signal: AbortSignal.timeout(2_000) }).catch(() => null);
    if (res?.status === 200 && !res.headers.getSetCookie().some((c) => c.startsWith('tl_node='))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new ClusterError(`HAProxy did not send requests to ${id} again within ${timeoutMs} ms.`);
}

/** SIGTERM, then waits for the exit; SIGKILL only if it has not gone by itself within timeoutMs. */
async function stopChild(child: Child, timeoutMs: number): Promise<void> {
  if (child.done) return;
  child.proc.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), timeoutMs);
  });
  if ((await Promise.race([child.exited, late])) === 'late') {
    child.proc.kill('SIGKILL');
    await child.exited;
  }
  clearTimeout(timer);
}

/**
 * Migrates once, starts `nodes` identical nodes on free loopback ports (the first alone, so demo seeding, if on, runs
 * once), then HAProxy on 127.0.0.1:port with deploy/haproxy.cfg filled in; resolves when HAProxy answers /readyz.
 */
export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  checkClusterEnv(opts.env);
  if (!haproxyAvailable()) throw new ClusterError('npm run cluster needs HAProxy on the PATH (Debian: apt-get install haproxy).');
  const output = opts.output ?? consoleOutput;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 90_000;
  const drainDelayMs = Number(opts.env.DRAIN_DELAY_MS ?? 3_000);
  const graceMs = Number(opts.env.SHUTDOWN_GRACE_MS ?? 10_000);
  const checkIntervalMs = opts.checkIntervalMs ?? 500;
  const children: Child[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tutorline-cluster-'));
  const stopAll = async () => {
    const codes: Record<string, number | null> = {};
    // Nodes one by one, so the others take the load while each drains; HAProxy last.
    for (const c of children.filter((c) => c.name !== 'haproxy')) {
      await stopChild(c, drainDelayMs + graceMs + 5_000);
      codes[c.name] = await c.exited;
    }
    for (const c of children.filter((c) => c.name === 'haproxy')) await stopChild(c, 5_000);
    fs.rmSync(dir, { recursive: true, force: true });
    return codes;
  };
  try {
    const migrate = start('migrate', process.execPath, ['--import', 'tsx', 'apps/server/src/cli/migrate.ts'], opts.env, output);
    const code = await migrate.exited;
    if (code !== 0) throw new ClusterError(`The migration failed (exit code ${code}); its output is above.`);

    const nodes: ClusterNode[] = [];
    const nodeEnvs = new Map<string, Record<string, string | undefined>>();
    for (let i = 1; i <= opts.nodes; i++) {
      const port = await freePort();
      const id = `node-${i}`;
      const env = {
        SFU: 'off', // one Janus per machine, not per node: group classes across nodes are not in this slice (decision 066)
        DRAIN_DELAY_MS: String(drainDelayMs),
        PUBLIC_URL: `http://127.0.0.1:${opts.port}`,
        ...opts.env,
        HOST: '127.0.0.1',
        PORT: String(port),
        NODE_ID: id,
        TRUST_PROXY: 'true',
      };
      nodeEnvs.set(id, env);
      const child = start(id, process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], env, output);
      children.push(child);
      nodes.push({ id, port, url: `http://127.0.0.1:${port}`, pid: child.proc.pid ?? 0 });
    }
    // Not waited on one at a time: every node migrated already, so they boot side by side.
    await Promise.all(nodes.map((n, i) => waitFor(`${n.url}/readyz`, children[i]!, readyTimeoutMs)));

    const cfg = path.join(dir, 'haproxy.cfg');
    fs.writeFileSync(cfg, renderHaproxyConfig(fs.readFileSync(haproxyTemplatePath, 'utf8'), { bind: `127.0.0.1:${opts.port}`, nodes, checkIntervalMs }));
    const haproxy = start('haproxy', 'haproxy', ['-db', '-f', cfg], { PATH: opts.env.PATH ?? process.env.PATH }, output);
    children.push(haproxy);
    const url = `http://127.0.0.1:${opts.port}`;
    await waitFor(`${url}/readyz`, haproxy, 15_000);
    const restart = async (id: string) => {
      const index = children.findIndex((c) => c.name === id);
      const node = nodes.find((n) => n.id === id);
      if (index < 0 || !node) throw new ClusterError(`No node ${id}.`);
      const old = children[index]!;
      await stopChild(old, drainDelayMs + graceMs + 5_000);
      const child = start(id, process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], nodeEnvs.get(id)!, output);
      children[index] = child;
      node.pid = child.proc.pid ?? 0;
      await waitFor(`${node.url}/readyz`, child, readyTimeoutMs);
      await untilHaproxyRoutesTo(url, id, readyTimeoutMs);
      return old.exited;
    };
    return { url, nodes, haproxyPid: haproxy.proc.pid ?? 0, stop: stopAll, restart };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function main() {
  const args = parseClusterArgs(process.argv.slice(2), process.env);
  const cluster = await startCluster({ ...args, env: process.env });
  consoleOutput(`${cluster.nodes.length} nodes (${cluster.nodes.map((n) => `${n.id} :${n.port} pid ${n.pid}`).join(', ')}) behind HAProxy at ${cluster.url} (pid ${cluster.haproxyPid}). Ctrl-C drains and stops them.`, 'cluster');
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    consoleOutput('draining the nodes one by one…', 'cluster');
    void cluster.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(err instanceof ClusterError ? `\n${err.message}\n\n` : `npm run cluster failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(err instanceof ClusterError ? 78 : 1);
  });
}
