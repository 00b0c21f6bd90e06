import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, type TestApp, startTestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { askQuestion, connect, EventLog, helpConfig, type HelpUser, makeDataDir, makeStudent, makeTutor, notificationRows, removeDir } from '../../../test/help';
import { SocketPool } from '../../../test/sockets';
import { schema } from '../../../test/schema';

/**
 * The server restarts between two waves. Waves and expiry live in the jobs table, so the new process
 * carries on where the old one stopped: wave 2 comes from it, nobody hears twice, and the question still expires.
 */
describeEachBackend('help: a restart in the middle of dispatch', ({ db }) => {
  let dataDir: string;
  const apps: TestApp[] = [];
  const sockets = new SocketPool();
  // Wave 2 is 3 s after wave 1, long enough to close app A first; expiry 9 s after asking.
  const config = () => helpConfig(dataDir, { firstWave: 1, waveSeconds: 3, expiryMinutes: 0.15 });

  beforeAll(() => {
    dataDir = makeDataDir();
  });
  afterAll(async () => {
    sockets.closeAll();
    for (const t of apps) await t.close();
    removeDir(dataDir);
  });

  it('resumes the waves and the expiry on a new process over the same database', async () => {
    const a = await startTestApp(db().database, config());
    apps.push(a);
    const geography = [{ subjectId: 'geography', level: 'grade-9-10' }];
    const tutors: HelpUser[] = [];
    for (let i = 0; i < 3; i++) tutors.push(await makeTutor(a, { subjects: geography, sockets }));
    const student = await makeStudent(a, sockets);

    const q = await askQuestion(a, student, 'geography', 'grade-9-10');
    const first = await student.events!.first('help:progress', q.id);
    expect(first).toMatchObject({ wave: 1, notifiedCount: 1 });
    const firstRows = await notificationRows(db().database, q.id);
    expect(firstRows).toHaveLength(1);
    const firstTutor = tutors.find((tt) => tt.id === firstRows[0]!.tutorId)!;
    await firstTutor.events!.first('help:question', q.id);

    // Closing app A leaves the database open: it was passed in.
    await a.close();
    apps.splice(apps.indexOf(a), 1);
    const [afterA] = await db().database.db.select().from(schema.questions).where(eq(schema.questions.id, q.id));
    expect(afterA).toMatchObject({ status: 'open', wave: 1, notifiedCount: 1 });

    const b = await startTestApp(db().database, config());
    apps.push(b);
    // The same log-in sessions work on the new process; every socket now records from app B only.
    const onB = new Map<string, EventLog>();
    for (const user of [...tutors, student]) onB.set(user.id, (await connect(b, sockets, user)).events);

    const others = tutors.filter((tt) => tt !== firstTutor);
    for (const tutor of others) await onB.get(tutor.id)!.first('help:question', q.id);
    const studentOnB = onB.get(student.id)!;
    await studentOnB.until(() => studentOnB.progress(q.id).some((p) => p.notifiedCount === 3), 'progress from app B reaching 3 tutors');

    const closed = await studentOnB.first('help:closed', q.id, 20_000);
    expect(closed).toEqual({ questionId: q.id, status: 'expired' });
    for (const tutor of tutors) await onB.get(tutor.id)!.first('help:taken', q.id);

    // Nobody was told twice: one row per tutor, and app B never re-sent the first tutor's question.
    const rows = await notificationRows(db().database, q.id);
    expect(rows.map((r) => r.tutorId).sort()).toEqual(tutors.map((tt) => tt.id).sort());
    expect(rows.find((r) => r.tutorId === firstTutor.id)?.wave).toBe(1);
    expect(onB.get(firstTutor.id)!.questions(q.id)).toEqual([]);
    for (const tutor of others) expect(onB.get(tutor.id)!.questions(q.id)).toHaveLength(1);

    const [row] = await db().database.db.select().from(schema.questions).where(eq(schema.questions.id, q.id));
    expect(row).toMatchObject({ status: 'expired', notifiedCount: 3 });
    const studentClientOnB = new Client(b.baseUrl);
    studentClientOnB.cookie = student.client.cookie;
    const view = await studentClientOnB.get(`/api/help/questions/${q.id}`);
    // Wave 1 came from app A; app B's waves (one, or two if a socket connected late) told the other two.
    const waves = view.json.timeline.filter((e: { type: string }) => e.type === 'wave').map((e: { data: { wave: number; notified: number } }) => e.data);
    expect(waves[0]).toMatchObject({ wave: 1, notified: 1 });
    expect(waves.slice(1).reduce((n: number, w: { notified: number }) => n + w.notified, 0)).toBe(2);
  });
});
