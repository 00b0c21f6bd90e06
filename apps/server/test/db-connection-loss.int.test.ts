import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { skipBecause } from '../../../scripts/skips';
import { systemClock } from '../src/platform/clock';
import { type Database, openDatabase } from '../src/platform/db';
import { schema } from './schema';
import { createJobRunner, defineJob } from '../src/platform/jobs';
import { createLogger } from '../src/platform/logger';
import { Client, leaksInternals, signUpStudent } from './app';
import { jpegBytes } from './help';
import { type PgCluster, postgresBinDir, startPgCluster } from './pg-cluster';
import { freePort, type ServerProcess, spawnServer, waitForReady } from './processes';

// The outside probe's fault: PostgreSQL killing the connections a node is using (pg_terminate_backend, a failover, a
// restart). The real server runs as a child process on a PostgreSQL cluster this test starts, kills and restarts.
const hasPostgres = postgresBinDir() !== null;
if (!hasPostgres) skipBecause('PostgreSQL connection loss', 'no PostgreSQL server binaries under /usr/lib/postgresql');

/** A 503 as the issue requires: the service_unavailable code, the request id (also in the header), nothing internal. */
function expectUnavailable(res: { status: number; json: any; text: string; headers: Headers }) {
  expect(res.status).toBe(503);
  expect(res.json.error.code).toBe('service_unavailable');
  expect(res.json.error.requestId).toEqual(expect.any(String));
  expect(res.json.error.requestId).toBe(res.headers.get('x-request-id'));
  expect(leaksInternals(res.text)).toBe(false);
}

describe.skipIf(!hasPostgres)('PostgreSQL connection loss', { timeout: 180_000 }, () => {
  let cluster: PgCluster;
  let proc: ServerProcess;
  let dataDir: string;
  let student: Client;
  let jpeg: Buffer;

  /** A photo upload as the web app sends it, with the response's headers. */
  async function upload() {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }), 'question.jpg');
    const res = await fetch(`${proc.baseUrl}/api/help/photos`, { method: 'POST', body: form, headers: { cookie: student.cookie } });
    const text = await res.text();
    return { status: res.status, json: JSON.parse(text), text, headers: res.headers };
  }

  /** One photo upload then one ask, the probe's sequence; the responses as received (no ask when the upload failed). */
  async function ask() {
    const photo = await upload();
    if (photo.status !== 201) return [photo];
    const q = await student.post('/api/help/questions', { requestId: crypto.randomUUID(), subjectId: 'maths', level: 'grade-9-10', photoIds: [photo.json.photoId] });
    return [photo, q];
  }

  beforeAll(async () => {
    cluster = await startPgCluster();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tutorline-connloss-'));
    const port = await freePort();
    proc = spawnServer({
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATA_DIR: dataDir,
      DATABASE_URL: cluster.url,
      LOG_LEVEL: 'info',
      JOBS_POLL_MS: '50',
      BILLING_ENFORCE_ENTITLEMENTS: 'false',
      LOGIN_MAX_PER_IP: '10000',
      LOGIN_MAX_PER_ACCOUNT: '10000',
      // Up to 200 sequential asks, each with an upload: on a slow machine the killer may take more than the default
      // 20 uploads a minute to hit one, and the upload quota's 429 is not what this test is about.
      UPLOADS_PER_MINUTE: '10000',
      UPLOADS_PER_DAY: '1000000',
    });
    await waitForReady(proc, 90_000);
    student = new Client(proc.baseUrl);
    await signUpStudent(student);
    jpeg = await jpegBytes();
  });
  afterAll(async () => {
    await proc?.kill();
    await cluster?.destroy();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('fails only the requests whose connection was killed, with 503 and a request id, and keeps serving', async () => {
    let stop = false;
    let killed = 0;
    const killer = (async () => {
      while (!stop) {
        killed += await cluster.terminateActive().catch(() => 0);
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const unavailable: { status: number; json: any; text: string; headers: Headers }[] = [];
    const statuses = new Set<number>();
    try {
      // Sequential asks until several requests lost their connection (bounded in count).
      for (let i = 0; i < 200 && unavailable.length < 4; i++) {
        for (const res of await ask()) {
          statuses.add(res.status);
          if (res.status === 503) unavailable.push(res);
          else expect(res.status, res.text).toBe(201);
        }
        expect(proc.child.exitCode, proc.output()).toBeNull();
      }
    } finally {
      stop = true;
      await killer;
    }
    expect(killed).toBeGreaterThan(0);
    expect(unavailable.length, `statuses seen: ${[...statuses].join(', ')}`).toBeGreaterThanOrEqual(1);
    for (const res of unavailable) expectUnavailable(res);
    expect([...statuses].every((s) => s === 201 || s === 503)).toBe(true);

    // The process is still the same one, and serves as before: the pool replaced the dead connections.
    expect(proc.child.exitCode).toBeNull();
    const [photo, q] = await ask();
    expect(photo!.status).toBe(201);
    expect(q!.status).toBe(201);
    expect((await fetch(`${proc.baseUrl}/readyz`)).status).toBe(200);
    expect(proc.output()).toContain('"event":"db_connection_lost"');
    expect(proc.output()).toContain('"event":"database_unavailable"');
    expect(proc.output()).not.toContain('shutting down after an error');
  });

  it('retries a job whose handler lost its connection, without using up an attempt, and the runner keeps polling', async () => {
    const database: Database = await openDatabase({ kind: 'postgres', url: cluster.url, poolMax: 3 });
    const runner = createJobRunner({ db: database.db, clock: systemClock, logger: createLogger('silent'), pollMs: 50, backoffMs: () => 100 });
    const queue = defineJob('test-connection-loss', z.object({ slow: z.boolean() }));
    let calls = 0;
    runner.register(queue, async ({ slow }) => {
      calls++;
      // The first run is caught mid-statement by pg_terminate_backend.
      if (slow && calls === 1) await database.db.execute(sql`select pg_sleep(60)`);
    });
    const jobRow = async (key: string) => (await database.db.select().from(schema.jobs).where(eq(schema.jobs.dedupeKey, key)))[0]!;
    try {
      const key = `conn-loss-${crypto.randomUUID()}`;
      // One attempt only: before the fix, the lost connection used it up and the job failed for good.
      await queue.enqueue(database.db, { slow: true }, { now: new Date(), dedupeKey: key, maxAttempts: 1 });
      runner.start();
      await vi.waitFor(
        async () => {
          const res = (await database.db.execute(sql`select count(*)::int as n from pg_stat_activity where query like 'select pg_sleep(60)%' and state = 'active'`)) as unknown as { rows: { n: number }[] };
          expect(res.rows[0]!.n).toBe(1);
        },
        { timeout: 20_000, interval: 50 },
      );
      expect(await cluster.terminateActive()).toBeGreaterThan(0);
      await vi.waitFor(async () => expect((await jobRow(key)).state).toBe('done'), { timeout: 20_000, interval: 100 });
      expect(calls).toBe(2);
      const row = await jobRow(key);
      expect(row.attempts).toBe(1);
      expect(row.lastError).toMatch(/terminat/i);

      // Every connection of the runner's pool killed while idle: it still finds and runs the next job.
      await cluster.terminateAll();
      const next = `conn-loss-${crypto.randomUUID()}`;
      await vi.waitFor(() => queue.enqueue(database.db, { slow: false }, { now: new Date(), dedupeKey: next }), { timeout: 10_000, interval: 100 });
      runner.poke();
      await vi.waitFor(async () => expect((await jobRow(next)).state).toBe('done'), { timeout: 20_000, interval: 100 });
    } finally {
      await runner.stop();
      await database.close();
    }
  });

  it('gives back the connection of a transaction whose BEGIN was cut, so the pool neither shrinks nor hangs at close', async () => {
    // Two connections: each one a cut BEGIN kept for good would leave the pool with fewer, and close() waiting forever.
    const database: Database = await openDatabase({ kind: 'postgres', url: cluster.url, poolMax: 2 });
    let closed = false;
    try {
      let stop = false;
      const killer = (async () => {
        while (!stop) {
          await cluster.terminateAll().catch(() => 0);
          await new Promise((r) => setTimeout(r, Math.random() * 4));
        }
      })();
      let failed = 0;
      let stuck = false;
      try {
        for (let i = 0; i < 300 && !stuck; i++) {
          const pair = Promise.all([0, 1].map(() => database.db.transaction((tx) => tx.execute(sql`select 1`)).catch(() => failed++)));
          // A pool whose connections were all kept makes every checkout wait out its 5 s connection timeout: under
          // that, a pair that takes 3 s is stuck (one normally takes tens of ms).
          stuck = (await Promise.race([pair.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 3_000))])) === true;
        }
      } finally {
        stop = true;
        await killer;
      }
      expect(stuck, 'a transaction waited 3 s for a connection: the pool had lost its connections').toBe(false);
      expect(failed).toBeGreaterThan(0);
      // Both connections still serve: two transactions at once, each holding its connection until the other has begun.
      let release = () => {};
      const bothIn = new Promise<void>((resolve) => (release = resolve));
      let inside = 0;
      const hold = () =>
        database.db.transaction(async (tx) => {
          await tx.execute(sql`select 1`);
          if (++inside === 2) release();
          await bothIn;
        });
      // The killer's last cuts may still be reported to the pool: retry until both hold at once, or give up after 10 s.
      const deadline = Date.now() + 10_000;
      let both = false;
      while (!both && Date.now() < deadline) {
        inside = 0;
        both = await Promise.race([Promise.all([hold(), hold()]).then(() => true, () => false), new Promise<boolean>((r) => setTimeout(() => r(false), 3_000))]);
      }
      expect(both, 'two transactions at once: both connections are back in the pool').toBe(true);
    } finally {
      const closing = database.close().then(() => (closed = true));
      await Promise.race([closing, new Promise((r) => setTimeout(r, 5_000))]);
    }
    expect(closed, 'the pool closed: no connection was kept checked out').toBe(true);
  });

  it('reports the database on /readyz while the cluster is down, and recovers when it is back, without a restart', async () => {
    const pid = proc.pid;
    await cluster.stop();
    await vi.waitFor(
      async () => {
        const ready = await fetch(`${proc.baseUrl}/readyz`);
        expect(ready.status).toBe(503);
        expect(((await ready.json()) as { error: { code: string } }).error.code).toBe('service_unavailable');
      },
      { timeout: 20_000, interval: 100 },
    );
    // Liveness is not readiness: the process answers, and requests that need the database get 503 with a request id.
    expect((await fetch(`${proc.baseUrl}/healthz`)).status).toBe(200);
    expectUnavailable(await student.get('/api/help/questions'));
    expect(proc.child.exitCode).toBeNull();

    await cluster.start();
    await vi.waitFor(async () => expect((await fetch(`${proc.baseUrl}/readyz`)).status).toBe(200), { timeout: 30_000, interval: 100 });
    const list = await student.get('/api/help/questions');
    expect(list.status, list.text).toBe(200);
    const [photo, q] = await ask();
    expect(photo!.status).toBe(201);
    expect(q!.status).toBe(201);
    expect(proc.child.exitCode).toBeNull();
    expect(proc.pid).toBe(pid);
  });
});
