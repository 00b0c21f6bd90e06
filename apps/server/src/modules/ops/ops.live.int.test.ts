import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { staffClient, startTestApp, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { askQuestion, helpConfig, makeDataDir, makeStudent, makeTutor, removeDir, whenOffered } from '../../../test/help';
import { schema } from '../../../test/schema';
import { nextEvent, SocketPool } from '../../../test/sockets';

const { jobs } = schema;

/** The dashboard moves live: a watcher is told after an ask and a claim, and the summary shows both; jobs retry for admins. */
describeEachBackend('ops: the live dashboard and job retries', ({ db }) => {
  let t: TestApp;
  let dataDir: string;
  const sockets = new SocketPool();

  beforeAll(async () => {
    dataDir = makeDataDir();
    t = await startTestApp(db().database, helpConfig(dataDir, { firstWave: 20, waveSeconds: 0.5, expiryMinutes: 2 }));
  });
  afterAll(async () => {
    sockets.closeAll();
    await t?.close();
    removeDir(dataDir);
  });

  it('pushes ops:changed to watching staff only, and the summary shows the open question, then its claim time', async () => {
    const ops = await staffClient(t, ['ops']);
    const { socket: watcher } = await sockets.connect(t.baseUrl, ops.client.cookie);
    expect(await watcher.emitWithAck('ops:watch')).toEqual({ ok: true });
    const support = await staffClient(t, ['support']);
    const { socket: refused } = await sockets.connect(t.baseUrl, support.client.cookie);
    expect(await refused.emitWithAck('ops:watch')).toMatchObject({ ok: false, reason: 'forbidden' });
    let supportTold = 0;
    refused.on('ops:changed', () => supportTold++);

    let pushes = 0;
    watcher.on('ops:changed', () => pushes++);
    // Reads the summary after each push until it shows `what` (a push from earlier setup may come first); needs a push.
    const afterPush = async (what: (s: any) => boolean, pushedBefore: number) => {
      for (let i = 0; i < 20; i++) {
        if (pushes > pushedBefore) {
          const s = (await ops.client.get('/api/ops/summary')).json;
          if (what(s)) return s;
        }
        await nextEvent(watcher, 'ops:changed');
      }
      throw new Error('the dashboard never showed it');
    };

    const tutor = await makeTutor(t, { subjects: [{ subjectId: 'maths', level: 'grade-9-10' }], sockets });
    const student = await makeStudent(t, sockets);
    const beforeAsk = pushes;
    const q = await askQuestion(t, student, 'maths', 'grade-9-10');
    const open = await afterPush((s) => s.help.open.length === 1 && s.help.today.asked === 1, beforeAsk);
    expect(open.help.open).toEqual([expect.objectContaining({ id: q.id, subjectId: 'maths' })]);
    expect(open.help.openBySubject).toEqual([expect.objectContaining({ subjectId: 'maths', open: 1, askedLastHour: 1 })]);
    expect(open.help.claimSeconds.hour.count).toBe(0);

    await whenOffered(tutor, q.id);
    const beforeClaim = pushes;
    const claimedAt = performance.now();
    expect((await tutor.client.post(`/api/help/questions/${q.id}/accept`)).status).toBe(200);
    const claimed = await afterPush((s) => s.help.today.claimed === 1, beforeClaim);
    expect(performance.now() - claimedAt).toBeLessThan(5_000);
    expect(claimed.help.open).toEqual([]);
    expect(claimed.help.today).toMatchObject({ asked: 1, claimed: 1 });
    expect(claimed.help.claimSeconds.hour).toMatchObject({ count: 1, p50: expect.any(Number) });
    expect(claimed.series.claimed.at(-1)).toBe(1);
    expect(claimed.calls.inProgress.instant).toBe(1);
    expect(claimed.platform.nodes.length).toBeGreaterThanOrEqual(1);
    expect(supportTold).toBe(0);
  });

  it('lets an admin retry a failed job (audited) and refuses one that succeeded, one still queued, and an unknown id; ops may not retry', async () => {
    const now = t.app.clock.now();
    const base = { queue: 'ops.test_nothing', payload: {}, runAt: now, createdAt: now, attempts: 8, maxAttempts: 8, finishedAt: now };
    const [failed] = await t.app.database.db.insert(jobs).values({ ...base, state: 'failed', lastError: 'boom' }).returning();
    const [done] = await t.app.database.db.insert(jobs).values({ ...base, state: 'done' }).returning();
    const [queued] = await t.app.database.db.insert(jobs).values({ ...base, state: 'queued', attempts: 0, finishedAt: null, runAt: new Date(now.getTime() + 3_600_000) }).returning();
    const admin = await staffClient(t, ['admin']);
    const ops = await staffClient(t, ['ops']);

    const list = await ops.client.get('/api/ops/jobs');
    expect(list.json.jobs.map((j: { id: string }) => j.id)).toContain(failed!.id);
    expect((await ops.client.get('/api/ops/summary')).json.platform.jobs.failed).toBeGreaterThanOrEqual(1);
    expect((await ops.client.post(`/api/ops/jobs/${failed!.id}/retry`, {})).status).toBe(403);

    const auditRows = async () => Number(((await t.app.database.db.execute(sql`select count(*)::int as n from audit_log where action = 'job.retry'`)) as unknown as { rows: { n: number }[] }).rows[0]!.n);
    const refusedDone = await admin.client.post(`/api/ops/jobs/${done!.id}/retry`, {});
    expect(refusedDone.status).toBe(409);
    expect(refusedDone.json.error).toMatchObject({ code: 'already_succeeded', message: expect.stringMatching(/already succeeded/) });
    expect((await admin.client.post(`/api/ops/jobs/${queued!.id}/retry`, {})).status).toBe(409);
    expect((await admin.client.post(`/api/ops/jobs/${randomUUID()}/retry`, {})).status).toBe(404);
    expect(await auditRows()).toBe(0);
    const [doneAfter] = await t.app.database.db.select().from(jobs).where(eq(jobs.id, done!.id));
    expect(doneAfter!.state).toBe('done');

    const ok = await admin.client.post(`/api/ops/jobs/${failed!.id}/retry`, { reason: 'provider was down' });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json.job).toMatchObject({ id: failed!.id, state: 'queued' });
    const [row] = await t.app.database.db.select().from(jobs).where(eq(jobs.id, failed!.id));
    expect(row).toMatchObject({ state: 'queued', maxAttempts: 9 });
    expect(await auditRows()).toBe(1);
    // A second press is refused: the job is no longer failed.
    expect((await admin.client.post(`/api/ops/jobs/${failed!.id}/retry`, {})).status).toBe(409);
  });
});
