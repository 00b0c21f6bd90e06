import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, type TestApp, startTestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { askQuestion, helpConfig, type HelpUser, makeDataDir, makeStudent, makeTutor, removeDir } from '../../../test/help';
import { SocketPool } from '../../../test/sockets';
import { schema } from '../../../test/schema';

const billingOn = { commissionBps: 2000, payoutHoldDays: 7, payoutMinMinor: { INR: 50000, USD: 1000 }, enforceEntitlements: true };

/**
 * What cannot be answered is not offered, and a question that reaches nobody gives its credit back and says why:
 * at once when no approved tutor teaches it, at expiry when none was reachable. The student never sees
 * "0 tutors notified … more will be asked" when nobody can be.
 */
describeEachBackend('help: subjects nobody teaches, and questions that reach nobody', ({ db }) => {
  let t: TestApp;
  let dataDir: string;
  const sockets = new SocketPool();

  beforeAll(async () => {
    dataDir = makeDataDir();
    t = await startTestApp(db().database, { ...helpConfig(dataDir, { firstWave: 1, waveSeconds: 0.3, expiryMinutes: 0.05 }), billing: billingOn });
  });
  afterAll(async () => {
    sockets.closeAll();
    await t?.close();
    removeDir(dataDir);
  });

  /** A student with `n` question credits and a live socket. */
  async function studentWithCredits(n: number): Promise<Required<HelpUser>> {
    const student = (await makeStudent(t, sockets)) as Required<HelpUser>;
    await t.app.database.db.transaction((tx) => t.app.billing.ledger.grantCredits(tx, student.id, n, `test:${student.id}`, 'test credits', new Date()));
    return student;
  }
  const credits = async (student: HelpUser) => (await student.client.get('/api/billing/me')).json.credits as number;

  it('lists only the subjects and levels an approved tutor teaches, and the rest as not yet taught', async () => {
    await makeTutor(t, { subjects: [{ subjectId: 'physics', level: 'grade-9-10' }], online: false });
    await makeTutor(t, { subjects: [{ subjectId: 'physics', level: 'university' }], approved: false });
    const student = await makeStudent(t);
    const res = await student.client.get('/api/help/subjects');
    expect(res.status).toBe(200);
    expect(res.json.subjects).toEqual([{ id: 'physics', name: 'Physics', levels: ['grade-9-10'] }]);
    expect(res.json.notYetTaught).toContainEqual({ id: 'physics', name: 'Physics', levels: ['grade-6-8', 'grade-11-12', 'university'] });
    expect(res.json.notYetTaught).toContainEqual({ id: 'hindi', name: 'Hindi', levels: ['grade-1-5', 'grade-6-8', 'grade-9-10', 'grade-11-12'] });
    expect((await new Client(t.baseUrl).get('/api/help/subjects')).status).toBe(401);
  });

  it('closes a question nobody teaches at once, gives its credit back in the same step, and says why', async () => {
    const student = await studentWithCredits(1);
    const q = await askQuestion(t, student, 'hindi', 'grade-9-10');
    expect(q).toMatchObject({ status: 'open', closeReason: null });
    expect(await student.events.first('help:closed', q.id)).toEqual({ questionId: q.id, status: 'expired', reason: 'no_tutors', refunded: true });
    expect(student.events.progress(q.id)).toEqual([]);
    expect(await credits(student)).toBe(1);

    const view = (await student.client.get(`/api/help/questions/${q.id}`)).json;
    expect(view).toMatchObject({ status: 'expired', closeReason: 'no_tutors', notifiedCount: 0, waitingTutors: 0, nextWaveAt: null });
    expect(view.timeline.at(-1)).toMatchObject({ type: 'expired', data: { notifiedCount: 0, reason: 'no_tutors' } });
    const [row] = await db().database.db.select().from(schema.questions).where(eq(schema.questions.id, q.id));
    expect(row).toMatchObject({ status: 'expired', closeReason: 'no_tutors', closedAt: expect.any(Date) });
    expect(t.logs()).toMatch(/"event":"question_expired"[^\n]*"reason":"no_tutors"/);
  });

  it('keeps a question open while its only tutor is offline, saying nobody can be asked now; at expiry it gives the credit back and says why', async () => {
    // physics grade 9-10: one approved tutor, offline (see the first test).
    const student = await studentWithCredits(1);
    const q = await askQuestion(t, student, 'physics', 'grade-9-10');
    const first = await student.events.first('help:progress', q.id);
    expect(first).toMatchObject({ questionId: q.id, notifiedCount: 0, waitingTutors: 0 });
    expect(await credits(student)).toBe(0);
    expect((await student.client.get(`/api/help/questions/${q.id}`)).json).toMatchObject({ status: 'open', notifiedCount: 0, waitingTutors: 0 });

    expect(await student.events.first('help:closed', q.id, 15_000)).toEqual({ questionId: q.id, status: 'expired', reason: 'nobody_reached', refunded: true });
    expect(await credits(student)).toBe(1);
    expect((await student.client.get(`/api/help/questions/${q.id}`)).json).toMatchObject({ status: 'expired', closeReason: 'nobody_reached' });
  });

  it('tells the student how many tutors a later wave may still ask, and says nothing more once someone was told', async () => {
    const bio = [{ subjectId: 'biology', level: 'university' }];
    await makeTutor(t, { subjects: bio, sockets });
    await makeTutor(t, { subjects: bio, sockets });
    const student = await studentWithCredits(1);
    const q = await askQuestion(t, student, 'biology', 'university');
    // A first wave of 1: one tutor is told, one waits for the next wave.
    expect(await student.events.first('help:progress', q.id)).toMatchObject({ notifiedCount: 1, waitingTutors: 1 });
    await student.events.until(() => student.events.progress(q.id).some((p) => p.notifiedCount === 2 && p.waitingTutors === 0), 'the second wave');
    // Notified tutors who did not accept: an ordinary expiry, no reason, and the credit back as before.
    expect(await student.events.first('help:closed', q.id, 15_000)).toEqual({ questionId: q.id, status: 'expired' });
    expect((await student.client.get(`/api/help/questions/${q.id}`)).json).toMatchObject({ status: 'expired', closeReason: null, notifiedCount: 2 });
    expect(await credits(student)).toBe(1);
  });
});
