import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { askQuestion, helpConfig, type HelpUser, makeDataDir, makeStudent, makeTutor, removeDir } from '../../../test/help';
import { SocketPool } from '../../../test/sockets';
import { schema } from '../../../test/schema';

/** An unclaimed question closes itself when its time is up (3 s here), and everyone who saw it is told. */
describeEachBackend('help: an unclaimed question expires', ({ db }) => {
  let t: TestApp;
  let dataDir: string;
  const sockets = new SocketPool();

  beforeAll(async () => {
    dataDir = makeDataDir();
    t = await startTestApp(db().database, helpConfig(dataDir, { firstWave: 20, waveSeconds: 0.5, expiryMinutes: 0.05 }));
  });
  afterAll(async () => {
    sockets.closeAll();
    await t?.close();
    removeDir(dataDir);
  });

  it('expires after 3 s: help:closed to the student, help:taken to the notified tutors, and a 409 for a late accept', async () => {
    const english = [{ subjectId: 'english', level: 'grade-6-8' }];
    const tutors: HelpUser[] = [await makeTutor(t, { subjects: english, sockets }), await makeTutor(t, { subjects: english, sockets })];
    const student = await makeStudent(t, sockets);
    const asked = Date.now();
    const q = await askQuestion(t, student, 'english', 'grade-6-8');
    expect(Date.parse(q.expiresAt) - Date.parse(q.createdAt)).toBe(3_000);
    for (const tutor of tutors) await tutor.events!.first('help:question', q.id);
    expect((await tutors[0]!.client.get('/api/help/feed')).json.items.map((i: { questionId: string }) => i.questionId)).toContain(q.id);

    const closed = await student.events!.first('help:closed', q.id, 15_000);
    expect(closed).toEqual({ questionId: q.id, status: 'expired' });
    expect(Date.now() - asked).toBeGreaterThanOrEqual(2_900);
    for (const tutor of tutors) expect(await tutor.events!.first('help:taken', q.id)).toEqual({ questionId: q.id });

    const view = await student.client.get(`/api/help/questions/${q.id}`);
    expect(view.json).toMatchObject({ status: 'expired', notifiedCount: 2, nextWaveAt: null, sessionId: null });
    expect(view.json.timeline.at(-1)).toMatchObject({ type: 'expired', data: { notifiedCount: 2 } });
    expect(view.json.timeline.filter((e: { type: string }) => e.type === 'expired')).toHaveLength(1);

    for (const tutor of tutors) {
      const late = await tutor.client.post(`/api/help/questions/${q.id}/accept`);
      expect(late.status).toBe(409);
      expect(late.json.error.message).toBe('This question has expired.');
      expect((await tutor.client.get('/api/help/feed')).json.items).toEqual([]);
    }
    const cancel = await student.client.post(`/api/help/questions/${q.id}/cancel`);
    expect(cancel.status).toBe(409);
    const [row] = await db().database.db.select().from(schema.questions).where(eq(schema.questions.id, q.id));
    expect(row).toMatchObject({ status: 'expired', claimedBy: null, closedAt: expect.any(Date) });
    expect(await db().database.db.select().from(schema.tutoringSessions).where(eq(schema.tutoringSessions.questionId, q.id))).toEqual([]);
  });
});
