import { randomUUID } from 'node:crypto';
import { and, eq, gte, lt } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { staffClient, startTestApp, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { makeStudent, makeTutor } from '../../../test/help';
import { schema } from '../../../test/schema';
import { CLAIM_SECONDS_BOUNDS } from '../help';
import { exactPercentile, percentilesOf } from './ops.rules';
import { opsRollupDay, opsRollupHour, opsRollupMinute } from './ops.schema';

const { questions, tutoringSessions, sessionTogether, sessionRatings, callEvents, connectivityReports } = schema;
const MIN = 60_000;

/** A small seeded generator (mulberry32), so a failure can be replayed. */
function random(seed: number) {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const minuteOf = (d: Date) => new Date(Math.floor(d.getTime() / MIN) * MIN).toISOString();
const hourOf = (d: Date) => new Date(Math.floor(d.getTime() / 3_600_000) * 3_600_000).toISOString();
const dayOf = (d: Date) => new Date(Math.floor(d.getTime() / 86_400_000) * 86_400_000).toISOString();
const bucketOf = (seconds: number) => `le:${CLAIM_SECONDS_BOUNDS.find((b) => seconds <= b) ?? 'inf'}`;

/** The rollups against a direct count of the raw rows the test wrote (not the rollup SQL), minute by minute and hour by hour. */
describeEachBackend('ops: rollups against the raw rows', ({ db }) => {
  let t: TestApp;
  const expected = new Map<string, number>();
  const add = (at: Date, metric: string, dim: string) => {
    const key = `${minuteOf(at)}|${metric}|${dim}`;
    expected.set(key, (expected.get(key) ?? 0) + 1);
  };
  const claimSeconds: number[] = [];
  let since: Date;
  let until: Date;

  beforeAll(async () => {
    t = await startTestApp(db().database);
    const student = await makeStudent(t);
    const tutor = await makeTutor(t, { subjects: [{ subjectId: 'maths', level: 'grade-9-10' }], online: false });
    const rnd = random(60);
    const now = t.app.clock.now();
    // Three days ending an hour ago: whole hours, inside the minutes the job keeps, apart from what the live path touches.
    until = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 - 3_600_000);
    since = new Date(until.getTime() - 3 * 86_400_000);
    const at = () => new Date(since.getTime() + Math.floor(rnd() * (until.getTime() - since.getTime() - 3_600_000)));
    const dbx = t.app.database.db;
    for (let i = 0; i < 400; i++) {
      const subjectId = rnd() < 0.6 ? 'maths' : 'physics';
      const createdAt = at();
      const fate = rnd();
      const row: typeof questions.$inferInsert = { studentId: student.id, requestId: randomUUID(), subjectId, level: 'grade-9-10', createdAt, expiresAt: new Date(createdAt.getTime() + 10 * MIN), status: 'open' };
      add(createdAt, 'help.asked', subjectId);
      if (fate < 0.6) {
        const secs = Math.floor(rnd() ** 3 * 2400);
        const claimedAt = new Date(createdAt.getTime() + secs * 1000);
        Object.assign(row, { status: 'answered', claimedBy: tutor.id, claimedAt, answeredAt: new Date(claimedAt.getTime() + 5 * MIN), closedAt: new Date(claimedAt.getTime() + 5 * MIN) });
        add(claimedAt, 'help.claimed', subjectId);
        add(claimedAt, 'help.claim_seconds', bucketOf(secs));
        claimSeconds.push(secs);
        add(row.answeredAt as Date, 'help.answered', subjectId);
        if (rnd() < 0.5) {
          row.ratedAt = new Date(claimedAt.getTime() + 6 * MIN);
          row.rating = 5;
          add(row.ratedAt, 'help.rated', subjectId);
        }
      } else if (fate < 0.8) {
        Object.assign(row, { status: 'expired', closedAt: row.expiresAt });
        add(row.expiresAt as Date, 'help.expired', subjectId);
      } else {
        Object.assign(row, { status: 'cancelled', closedAt: new Date(createdAt.getTime() + MIN) });
        add(row.closedAt as Date, 'help.cancelled', subjectId);
      }
      await dbx.insert(questions).values(row);
    }
    const browsers = ['Chrome', 'Firefox', 'Safari'];
    for (let i = 0; i < 120; i++) {
      const startedAt = at();
      const kind = rnd() < 0.5 ? 'instant' : 'booking';
      const [s] = await dbx.insert(tutoringSessions).values({ kind, status: 'ended', studentId: student.id, tutorId: tutor.id, startedAt, endedAt: new Date(startedAt.getTime() + 20 * MIN) }).returning();
      add(startedAt, 'sessions.started', kind);
      add(new Date(startedAt.getTime() + 20 * MIN), 'sessions.ended', kind);
      if (rnd() < 0.8) {
        // Two together-intervals: only the first counts as "both connected".
        await dbx.insert(sessionTogether).values([
          { sessionId: s!.id, startedAt: new Date(startedAt.getTime() + 30_000), endedAt: new Date(startedAt.getTime() + 5 * MIN) },
          { sessionId: s!.id, startedAt: new Date(startedAt.getTime() + 7 * MIN), endedAt: new Date(startedAt.getTime() + 15 * MIN) },
        ]);
        add(new Date(startedAt.getTime() + 30_000), 'sessions.connected', kind);
      }
      if (rnd() < 0.4) {
        await dbx.insert(sessionRatings).values({ sessionId: s!.id, raterId: student.id, rateeId: tutor.id, raterRole: 'student', stars: 4, createdAt: new Date(startedAt.getTime() + 21 * MIN) });
        add(new Date(startedAt.getTime() + 21 * MIN), 'sessions.rated', kind);
      }
      const browser = browsers[Math.floor(rnd() * 3)]!;
      const device = rnd() < 0.5 ? 'phone' : 'desktop';
      const cand = rnd() < 0.3 ? 'relay' : 'host';
      await dbx.insert(callEvents).values([
        { sessionId: s!.id, userId: student.id, type: 'diagnostics', at: new Date(startedAt.getTime() + 1000), data: { diagnostics: { browser, os: 'Android', device, userAgent: 'x' } } },
        { sessionId: s!.id, userId: student.id, type: 'media-connected', at: new Date(startedAt.getTime() + 2000), data: { localCandidateType: cand } },
        { sessionId: s!.id, userId: student.id, type: 'quality', at: new Date(startedAt.getTime() + 3000), data: {} },
      ]);
      const troubles = Math.floor(rnd() * 3);
      for (let k = 0; k < troubles; k++) {
        const tAt = new Date(startedAt.getTime() + (k + 1) * 4 * MIN);
        const type = rnd() < 0.3 ? 'media-failed' : 'reconnecting';
        await dbx.insert(callEvents).values({ sessionId: s!.id, userId: student.id, type, at: tAt, data: {} });
        const metric = type === 'media-failed' ? 'calls.failed' : 'calls.reconnect';
        for (const dim of ['', `browser:${browser}`, 'os:Android', `device:${device}`, `candidate:${cand}`]) add(tAt, metric, dim);
      }
    }
    // /check reports: the test's own reading of the path a call could take, not the rollup's SQL.
    const statuses = ['pass', 'warn', 'fail', 'skipped'] as const;
    const pick = () => statuses[Math.floor(rnd() * 4)]!;
    for (let i = 0; i < 150; i++) {
      const createdAt = at();
      const [stun, turnUdp, turnTcp, overall] = [pick(), pick(), pick(), pick()];
      const device = (['phone', 'tablet', 'desktop', 'unknown'] as const)[Math.floor(rnd() * 4)]!;
      const network = stun === 'pass' ? 'direct' : turnUdp === 'pass' ? 'relay-udp' : turnTcp === 'pass' ? 'relay-tcp' : [stun, turnUdp, turnTcp].every((x) => x === 'skipped') ? 'untested' : 'blocked';
      const results = { stun: { status: stun, detail: '', publicAddressSeen: stun === 'pass', ms: null }, turnUdp: { status: turnUdp, detail: '', ms: null }, turnTcp: { status: turnTcp, detail: '', ms: null }, diagnostics: { browser: 'Chrome', os: 'Android', device, userAgent: 'x' } };
      await dbx.insert(connectivityReports).values({ id: `R${String(i).padStart(3, '0')}-TEST`, userId: null, overall, results, ip: null, createdAt });
      add(createdAt, 'checks.reports', `network:${network}|${overall}`);
      add(createdAt, 'checks.reports', `device:${device}|${overall}`);
    }
    await t.app.fastify.ops.rollups.rebuild(since, until);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('has each minute of each figure exactly as counted from the raw rows, and nothing else', async () => {
    const rows = await t.app.database.db.select().from(opsRollupMinute).where(and(gte(opsRollupMinute.bucket, since), lt(opsRollupMinute.bucket, until)));
    const got = new Map(rows.map((r) => [`${r.bucket.toISOString()}|${r.metric}|${r.dim}`, Number(r.value)]));
    expect(expected.size).toBeGreaterThan(500);
    expect(Object.fromEntries([...got].sort())).toEqual(Object.fromEntries([...expected].sort()));
  });

  it('has each hour as the sum of its minutes, and the claim-time percentiles within their histogram bucket of the exact ones', async () => {
    const hours = new Map<string, number>();
    for (const [key, n] of expected) {
      // A dim may hold a '|' itself (the /check reports' 'network:direct|pass').
      const [minute, metric, ...dim] = key.split('|');
      const k = `${hourOf(new Date(minute!))}|${metric}|${dim.join('|')}`;
      hours.set(k, (hours.get(k) ?? 0) + n);
    }
    const rows = await t.app.database.db.select().from(opsRollupHour).where(and(gte(opsRollupHour.bucket, since), lt(opsRollupHour.bucket, until)));
    expect(Object.fromEntries(rows.map((r) => [`${r.bucket.toISOString()}|${r.metric}|${r.dim}`, Number(r.value)]).sort())).toEqual(Object.fromEntries([...hours].sort()));

    const histogram = rows.filter((r) => r.metric === 'help.claim_seconds').map((r) => ({ dim: r.dim, value: Number(r.value) }));
    const p = percentilesOf(histogram);
    expect(p.count).toBe(claimSeconds.length);
    for (const [q, got] of [[0.5, p.p50], [0.9, p.p90], [0.99, p.p99]] as const) {
      const exact = exactPercentile(claimSeconds, q)!;
      const bound = CLAIM_SECONDS_BOUNDS.find((b) => exact <= b) ?? CLAIM_SECONDS_BOUNDS.at(-1)!;
      expect(got, `p${q * 100}: exact ${exact}s`).toBe(bound);
    }
  });

  it('has each UTC day as the sum of its hours, for the days the rewritten range touches', async () => {
    const days = new Map<string, number>();
    for (const [key, n] of expected) {
      const [minute, metric, ...dim] = key.split('|');
      const k = `${dayOf(new Date(minute!))}|${metric}|${dim.join('|')}`;
      days.set(k, (days.get(k) ?? 0) + n);
    }
    const from = new Date(dayOf(since));
    const to = new Date(new Date(dayOf(until)).getTime() + 86_400_000);
    const rows = await t.app.database.db.select().from(opsRollupDay).where(and(gte(opsRollupDay.bucket, from), lt(opsRollupDay.bucket, to)));
    expect(days.size).toBeGreaterThan(50);
    expect(Object.fromEntries(rows.map((r) => [`${r.bucket.toISOString()}|${r.metric}|${r.dim}`, Number(r.value)]).sort())).toEqual(Object.fromEntries([...days].sort()));
  });

  it('rewrites a range the same way twice (idempotent), so the job and the live path may overlap', async () => {
    const count = async () => (await t.app.database.db.select().from(opsRollupMinute).where(eq(opsRollupMinute.metric, 'help.asked'))).reduce((s, r) => s + Number(r.value), 0);
    const before = await count();
    await t.app.fastify.ops.rollups.rebuild(since, until);
    await t.app.fastify.ops.rollups.catchUp();
    expect(await count()).toBe(before);
    expect(before).toBe(400);
  });

  it('serves the funnel and today’s figures from the rollups; support is refused, ops sees no money, finance does', async () => {
    const ops = await staffClient(t, ['ops']);
    const res = await ops.client.get('/api/ops/summary');
    expect(res.status, res.text).toBe(200);
    expect(res.json.money).toBeNull();
    expect(res.json.funnel).toHaveLength(7);
    const fromRollup = res.json.funnel.reduce((s: number, d: { asked: number }) => s + d.asked, 0);
    const direct = [...expected].filter(([k]) => k.includes('|help.asked|') && new Date(k.split('|')[0]!) >= new Date(res.json.funnel[0].day)).reduce((s, [, n]) => s + n, 0);
    expect(fromRollup).toBe(direct);
    // The week's claim times: a range of whole hours that is not whole days (hours at both ends, days between).
    expect(res.json.help.claimSeconds.week.count).toBe(claimSeconds.length);
    const finance = await staffClient(t, ['finance']);
    const money = await finance.client.get('/api/ops/summary');
    expect(money.status).toBe(200);
    expect(money.json.money).toEqual({ today: [], month: [], webhooksRejectedToday: 0 });
    const support = await staffClient(t, ['support']);
    expect((await support.client.get('/api/ops/summary')).status).toBe(403);
    await expect((await makeStudent(t)).client.get('/api/ops/summary').then((r) => r.status)).resolves.toBe(403);
  });
});
