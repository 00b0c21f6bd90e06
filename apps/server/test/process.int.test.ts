import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, signUpStudent, testPassword } from './app';
import { exitWithin, freePort, type ServerProcess, spawnServer, waitForReady } from './processes';
import { SocketPool } from './sockets';

// Real processes on PGlite data folders: the lock, the exit codes and a graceful SIGTERM.
// A PGlite start takes seconds, and many more on a loaded machine: each test gets two minutes.
describe('the server process', { timeout: 120_000 }, () => {
  const dirs: string[] = [];
  const procs: ServerProcess[] = [];
  const sockets = new SocketPool();
  let dataDir: string;
  let first: ServerProcess;
  let email: string;

  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tutorline-proc-'));
    dirs.push(dir);
    return dir;
  };
  async function start(dir: string, extra: Record<string, string> = {}) {
    const port = await freePort();
    const proc = spawnServer({ HOST: '127.0.0.1', PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, DATA_DIR: dir, LOG_LEVEL: 'info', ...extra });
    procs.push(proc);
    return proc;
  }
  const lockFile = (dir: string) => path.join(dir, 'tutorline.lock');

  beforeAll(async () => {
    dataDir = tempDir();
    first = await start(dataDir);
    await waitForReady(first, 90_000);
  });
  afterAll(async () => {
    sockets.closeAll();
    await Promise.all(procs.map((p) => p.kill()));
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('holds the data folder lock while running', () => {
    expect(fs.readFileSync(lockFile(dataDir), 'utf8')).toBe(String(first.pid));
  });

  it('refuses a second process on the same DATA_DIR with exit code 78 and a clear message', async () => {
    const second = await start(dataDir);
    const { code } = await exitWithin(second, 60_000);
    expect(code).toBe(78);
    expect(second.output()).toContain('already in use');
    expect(second.output()).toContain(String(first.pid));
    // The first process and its lock are untouched.
    expect(fs.readFileSync(lockFile(dataDir), 'utf8')).toBe(String(first.pid));
    expect((await fetch(`${first.baseUrl}/readyz`)).status).toBe(200);
  });

  it('on SIGTERM closes its sockets, releases the lock and exits 0', async () => {
    const client = new Client(first.baseUrl);
    ({ email } = await signUpStudent(client));
    const { socket } = await sockets.connect(first.baseUrl, client.cookie);
    // The reason, and the WebSocket close code the client saw (1006: no close frame, the connection dropped).
    const disconnected = new Promise<{ reason: string; code: unknown }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no disconnect within 15 s')), 15_000);
      socket.once('disconnect', (reason, details) => {
        clearTimeout(timer);
        resolve({ reason, code: (details as { context?: { code?: unknown } } | undefined)?.context?.code });
      });
    });

    process.kill(first.pid, 'SIGTERM');
    const { code, signal } = await exitWithin(first, 15_000);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    // Closed by the server on its way down (a close frame), not dropped with the process (1006); and closed as a blip the
    // client comes back from by itself: an 'io server disconnect' is never retried (a rolling restart lost its users, #19).
    const { reason, code: closeCode } = await disconnected;
    expect(reason).toBe('transport close');
    expect(closeCode).not.toBe(1006);
    expect(typeof closeCode).toBe('number');
    expect(fs.existsSync(lockFile(dataDir))).toBe(false);
    expect(first.output()).toContain('"event":"shutdown"');
  });

  it('restarts on the same folder over a stale lock, with its data intact', async () => {
    // A lock left by a process that no longer exists.
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    fs.writeFileSync(lockFile(dataDir), String(dead));
    const again = await start(dataDir);
    await waitForReady(again, 90_000);
    expect(fs.readFileSync(lockFile(dataDir), 'utf8')).toBe(String(again.pid));
    const res = await new Client(again.baseUrl).post('/api/auth/login', { email, password: testPassword });
    expect(res.status).toBe(200);
    process.kill(again.pid, 'SIGTERM');
    expect((await exitWithin(again, 15_000)).code).toBe(0);
  });

  it('refuses a bad configuration with a message naming the variable, before touching the data folder', async () => {
    const dir = tempDir();
    const bad = spawnServer({ PORT: 'abc', DATA_DIR: path.join(dir, 'never-created') });
    procs.push(bad);
    const { code } = await exitWithin(bad, 30_000);
    expect(code).not.toBe(0);
    expect(code).toBe(78);
    expect(bad.output()).toMatch(/PORT/);
    expect(bad.output()).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(path.join(dir, 'never-created'))).toBe(false);
  });
});
