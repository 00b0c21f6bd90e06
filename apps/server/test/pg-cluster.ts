import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './net';

/**
 * A throwaway PostgreSQL cluster for fault tests (killed connections, a database restart): its own data folder in a
 * temp directory, its own port on 127.0.0.1, trust auth. Never the machine's shared server, which other tests use.
 * Stopped by its postmaster's pid, and restartable on the same port and data.
 */
export interface PgCluster {
  port: number;
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  /** The postmaster's pid while running. */
  pid(): number | null;
  /** Terminates every other backend of the database that is running a statement now (the outside probe's query). */
  terminateActive(db?: string): Promise<number>;
  /** Terminates every backend of the database, idle or not. */
  terminateAll(db?: string): Promise<number>;
  /** Fast shutdown (SIGINT to the postmaster), waiting until it is gone. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data folder. */
  start(): Promise<void>;
  /** Stops it (if running) and deletes its folder. */
  destroy(): Promise<void>;
}

/** The newest installed server binaries, e.g. /usr/lib/postgresql/15/bin; null when PostgreSQL is not installed. */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return null;
  const versions = fs
    .readdirSync(root)
    .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0]!, 'bin') : null;
}

/** initdb refuses to run as root, so as root the cluster belongs to the `postgres` OS user. */
const runAsRoot = process.getuid?.() === 0;

function run(bin: string, args: string[]) {
  const argv = runAsRoot ? ['-u', 'postgres', '--', bin, ...args] : args;
  const result = spawnSync(runAsRoot ? 'runuser' : bin, argv, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`${path.basename(bin)} failed (${result.status}): ${result.stderr || result.stdout}`);
  return result.stdout;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export async function startPgCluster(): Promise<PgCluster> {
  const found = postgresBinDir();
  if (!found) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql');
  const bin: string = found;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tutorline-pgcluster-'));
  if (runAsRoot) execFileSync('chown', ['postgres:', dir]);
  const dataDir = path.join(dir, 'data');
  const port = await freePort();
  run(path.join(bin, 'initdb'), ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--no-instructions']);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let pid: number | null = null;

  async function start() {
    // The socket goes to the cluster's own folder (the default /var/run/postgresql may not be writable or may clash).
    const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=60`;
    run(path.join(bin, 'pg_ctl'), ['start', '-w', '-t', '60', '-D', dataDir, '-l', path.join(dir, 'server.log'), '-o', opts]);
    pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  }

  async function stop() {
    if (pid === null) return;
    const target = pid;
    try {
      process.kill(target, 'SIGINT');
    } catch {
      // already gone
    }
    const deadline = Date.now() + 30_000;
    while (alive(target) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (alive(target)) process.kill(target, 'SIGKILL');
    pid = null;
  }

  async function terminate(db: string, activeOnly: boolean) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const res = await client.query(
        `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
          WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend' ${activeOnly ? "AND state <> 'idle'" : ''}`,
        [db],
      );
      return res.rows.filter((r: { killed: boolean }) => r.killed).length;
    } finally {
      await client.end();
    }
  }

  await start();
  return {
    port,
    url,
    pid: () => pid,
    terminateActive: (db = 'postgres') => terminate(db, true),
    terminateAll: (db = 'postgres') => terminate(db, false),
    stop,
    start,
    async destroy() {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
