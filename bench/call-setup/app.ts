import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { envNumber, freePort, liveChildren, onCleanup, repoRoot } from '../lib';

// The app under test for call-setup.bench.ts: the built web app and the real server, and its API from Node.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The app's database: PGlite in its data folder by default (undefined), or with BENCH_CALL_DB=postgres a fresh
 * PostgreSQL database next to DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres), dropped afterwards.
 */
export async function benchDatabaseUrl(): Promise<string | undefined> {
  if (process.env.BENCH_CALL_DB !== 'postgres') return undefined;
  process.env.DATABASE_URL ||= 'postgres://postgres@127.0.0.1:5432/postgres';
  const { createPostgresDatabase } = await import('../../apps/server/test/db');
  const pgdb = await createPostgresDatabase();
  onCleanup(() => pgdb.drop());
  return pgdb.url;
}

export function ensureWebBuild() {
  const dist = path.join(repoRoot, 'apps/web/dist');
  if (fs.existsSync(path.join(dist, 'index.html'))) return Promise.resolve(dist);
  console.log('apps/web/dist is missing: building it (npm run build -w @tutorline/web)…');
  return new Promise<string>((resolve, reject) => {
    const child = spawn('npm', ['run', 'build', '-w', '@tutorline/web'], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
    liveChildren.add(child);
    child.once('exit', (code) => {
      liveChildren.delete(child);
      if (code === 0) resolve(dist);
      else reject(new Error(`the web build failed (exit code ${code})`));
    });
  });
}

/** A private copy of the built app (source maps left out), so a rebuild during the run cannot change what is served. */
export function snapshotDist(dist: string): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bench-web-'));
  onCleanup(() => fs.rmSync(copy, { recursive: true, force: true }));
  fs.cpSync(dist, copy, { recursive: true, filter: (src) => !src.endsWith('.map') });
  return copy;
}

export async function startApp(webDist: string, databaseUrl: string | undefined): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bench-call-'));
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      // Demo accounts are refused in production: 'test' with them asked for, and payments off as in production.
      NODE_ENV: 'test',
      SEED_DEMO: 'true',
      BILLING_PROVIDER: 'none',
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: url,
      DATA_DIR: dataDir,
      WEB_DIST: webDist,
      LOG_LEVEL: 'warn',
      // The bench times the room, not dispatch: every eligible tutor is offered each question in its first wave and
      // none cools down, so the bench's tutor (who may claim only what it was offered) gets every round's question.
      HELP_FIRST_WAVE: '1000',
      HELP_COOLDOWN_SECONDS: '0',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  liveChildren.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => liveChildren.delete(child));
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 20_000) out = out.slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid!, 'SIGTERM');
      const timer = setTimeout(() => child.exitCode === null && child.signalCode === null && process.kill(child.pid!, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (process.env.BENCH_VERBOSE === '1' && out.trim()) console.log(`app output:\n${out}`);
  });
  // A first start on PGlite (initdb, migrations, demo data) can take minutes on a loaded machine: BENCH_READY_S.
  const deadline = Date.now() + envNumber('BENCH_READY_S', 90) * 1000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode}:\n${out}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the app did not become ready:\n${out}`);
    await sleep(100);
  }
  return { url, child };
}

/** The real API, from Node, with a session cookie. */
export function apiClient(base: string) {
  return async (method: string, pathname: string, opts: { cookie?: string; json?: unknown; form?: FormData } = {}) => {
    const headers: Record<string, string> = { origin: base };
    if (opts.cookie) headers.cookie = opts.cookie;
    if (opts.json !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(base + pathname, { method, headers, ...(opts.json !== undefined ? { body: JSON.stringify(opts.json) } : opts.form ? { body: opts.form } : {}) });
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text, setCookie: res.headers.getSetCookie() };
  };
}
