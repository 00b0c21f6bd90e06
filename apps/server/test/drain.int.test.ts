import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backends, createPostgresDatabase } from './db';
import { exitWithin, freePort, type ServerProcess, spawnServer, waitForReady } from './processes';

// Drain on SIGTERM (#19, decision 066): /readyz answers 503 at once, so HAProxy's health check takes the node out,
// while the node keeps serving for DRAIN_DELAY_MS; then it closes with grace and exits 0. A real process per backend.
// The delay is long against the two requests below, so a loaded machine cannot make the node leave before they are answered.
const drainMs = 6_000;

describe.each(backends)('draining on SIGTERM (%s)', { timeout: 120_000 }, (backend) => {
  const procs: ServerProcess[] = [];
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.kill()));
    for (const c of cleanups) await c();
  });

  it('answers /readyz 503 while still serving requests, then exits 0', async () => {
    const env: Record<string, string> = {};
    if (backend === 'postgres') {
      const pg = await createPostgresDatabase({ migrated: true });
      cleanups.push(() => pg.drop());
      env.DATABASE_URL = pg.url;
    } else {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tutorline-drain-'));
      cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
      env.DATA_DIR = dir;
    }
    const port = await freePort();
    const proc = spawnServer({ ...env, HOST: '127.0.0.1', PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, DRAIN_DELAY_MS: String(drainMs), NODE_ID: 'drain-a', LOG_LEVEL: 'info' });
    procs.push(proc);
    await waitForReady(proc, 90_000);

    process.kill(proc.pid, 'SIGTERM');
    // The signal is handled asynchronously: the first 503 follows within moments.
    let ready: Response | undefined;
    for (let i = 0; i < 100; i++) {
      ready = await fetch(`${proc.baseUrl}/readyz`);
      if (ready.status === 503) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(ready!.status).toBe(503);
    expect(await ready!.json()).toMatchObject({ status: 'draining', error: { code: 'service_unavailable' } });

    // Still serving: a liveness probe and an ordinary API request (a sign-up refused for its bad input is answered by the full stack).
    expect((await fetch(`${proc.baseUrl}/healthz`)).status).toBe(200);
    const refused = await fetch(`${proc.baseUrl}/api/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(refused.status).toBe(400);

    const { code, signal } = await exitWithin(proc, drainMs + 15_000);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    const lines = proc.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const draining = lines.find((l) => l.event === 'draining');
    expect(draining).toMatchObject({ node: 'drain-a', signal: 'SIGTERM', drainDelayMs: drainMs });
    // Shut down after the drain, not before.
    const shutdown = lines.find((l) => l.event === 'shutdown');
    expect(Date.parse(String(shutdown!.time)) - Date.parse(String(draining!.time))).toBeGreaterThanOrEqual(drainMs - 50);
  });
});
