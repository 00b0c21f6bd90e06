import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, staffClient, startTestApp, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { askQuestion, helpConfig, makeDataDir, makeStudent, makeTutor, removeDir } from '../../../test/help';
import { schema } from '../../../test/schema';
import { nextEvent, SocketPool } from '../../../test/sockets';
import { createIdentityRepo } from '../identity';

const { tutoringSessions } = schema;
const rowsOf = <T>(res: unknown) => (res as { rows: T[] }).rows;

const checkReport = (over: Record<string, unknown>) => ({
  camera: { status: 'pass', detail: 'ok' },
  microphone: { status: 'pass', detail: 'ok', peakLevel: 0.4 },
  speaker: { status: 'pass', detail: 'ok' },
  stun: { status: 'fail', detail: 'No public address.', publicAddressSeen: false, ms: null },
  turnUdp: { status: 'pass', detail: 'Relay over UDP works.', ms: 90 },
  turnTcp: { status: 'pass', detail: 'Relay over TCP works.', ms: 120 },
  uploadKbps: 2000,
  downloadKbps: 8000,
  diagnostics: { browser: 'Chrome 140', os: 'Android 14', device: 'phone', userAgent: 'x' },
  ...over,
});

/** The tiles #18 still lacked: tutors online and free per subject against demand, and /check results by network, live. */
describeEachBackend('ops: supply per subject and /check by network', ({ db }) => {
  let t: TestApp;
  let dataDir: string;
  const sockets = new SocketPool();

  beforeAll(async () => {
    dataDir = makeDataDir();
    t = await startTestApp(db().database, helpConfig(dataDir, { firstWave: 20, waveSeconds: 30, expiryMinutes: 10 }));
  });
  afterAll(async () => {
    sockets.closeAll();
    await t?.close();
    removeDir(dataDir);
  });

  it('counts per subject the approved tutors online and those not in a session, as a direct count of the raw rows does', async () => {
    const maths = { subjectId: 'maths', level: 'grade-9-10' };
    const physics = { subjectId: 'physics', level: 'grade-9-10' };
    const free = await makeTutor(t, { subjects: [maths] });
    const busy = await makeTutor(t, { subjects: [maths, physics] });
    await makeTutor(t, { subjects: [maths], online: false });
    const suspended = await makeTutor(t, { subjects: [physics] });
    await createIdentityRepo(t.app.database.db).setApproval(suspended.id, 'suspended', suspended.id, t.app.clock.now());
    const student = await makeStudent(t);
    await t.app.database.db.insert(tutoringSessions).values({ kind: 'instant', status: 'active', studentId: student.id, tutorId: busy.id, startedAt: t.app.clock.now() });
    await askQuestion(t, student, 'maths', 'grade-9-10');

    const ops = await staffClient(t, ['ops']);
    const res = await ops.client.get('/api/ops/summary');
    expect(res.status, res.text).toBe(200);
    const shown = Object.fromEntries(res.json.help.openBySubject.map((o: any) => [o.subjectId, { open: o.open, online: o.tutorsOnline, free: o.tutorsFree }]));
    expect(shown).toEqual({ maths: { open: 1, online: 2, free: 1 }, physics: { open: 0, online: 1, free: 0 } });
    expect(free.id).toBeTruthy();

    // The same figures straight from the raw rows, in one query of the test's own.
    const direct = rowsOf<{ subject_id: string; online: number; free: number }>(
      await t.app.database.db.execute(sql`
        select ts.subject_id, count(distinct ts.tutor_id)::int as online,
          count(distinct ts.tutor_id) filter (where not exists (select 1 from tutoring_sessions s where s.tutor_id = ts.tutor_id and s.status = 'active'))::int as free
        from tutor_subjects ts join tutor_profiles p on p.user_id = ts.tutor_id and p.approval_status = 'approved'
        join tutor_help_stats h on h.tutor_id = ts.tutor_id and h.online
        group by 1`),
    );
    for (const d of direct) expect(shown[d.subject_id], d.subject_id).toMatchObject({ online: Number(d.online), free: Number(d.free) });
    expect(direct).toHaveLength(2);
  });

  it('pushes ops:changed after a /check report, and the tile counts it by network path and device', async () => {
    const ops = await staffClient(t, ['ops']);
    const { socket: watcher } = await sockets.connect(t.baseUrl, ops.client.cookie);
    expect(await watcher.emitWithAck('ops:watch')).toEqual({ ok: true });
    const verdicts: Record<string, string[]> = { phone: [], desktop: [] };
    for (let i = 0; i < 5; i++) {
      const pushed = nextEvent(watcher, 'ops:changed');
      const body = i < 3 ? checkReport({}) : checkReport({ turnUdp: { status: 'fail', detail: 'x', ms: null }, turnTcp: { status: 'fail', detail: 'x', ms: null }, diagnostics: { browser: 'Firefox', os: 'Windows', device: 'desktop', userAgent: 'x' } });
      const saved = await new Client(t.baseUrl).post('/api/check/reports', body);
      expect(saved.status, saved.text).toBe(201);
      verdicts[i < 3 ? 'phone' : 'desktop']!.push(saved.json.overall);
      await pushed;
    }
    await t.app.fastify.ops.live.idle();
    const checks = (await ops.client.get('/api/ops/summary')).json.calls.checks as { split: string; total: number; pass: number; fail: number }[];
    const by = Object.fromEntries(checks.map((c) => [c.split, c]));
    expect(by['network:relay-udp']).toMatchObject({ total: 3 });
    // Each report is counted under the verdict it was stored with (what the site offers decides it, not the test).
    const count = (list: string[], v: string) => list.filter((x) => x === v).length;
    expect(by['network:blocked']).toMatchObject({ total: 2, pass: count(verdicts.desktop!, 'pass'), warn: count(verdicts.desktop!, 'warn'), fail: count(verdicts.desktop!, 'fail') });
    expect(by['device:phone']).toMatchObject({ total: 3 });
    expect(by['device:desktop']).toMatchObject({ total: 2 });
    expect(checks.map((c) => c.split).slice(0, 2).every((s) => s.startsWith('network:'))).toBe(true);
  });
});
