import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { askQuestion, helpConfig, type HelpUser, makeDataDir, makeStudent, makeTutor, notificationRows, removeDir } from '../../../test/help';
import { SocketPool } from '../../../test/sockets';
import { schema } from '../../../test/schema';

const { questions, tutoringSessions } = schema;

/**
 * A tutor may claim only a question they were offered (notified by any channel) and did not skip. Everyone else who
 * knows its id (offline, skipped, cooling down, held back for a scarce subject) gets the very 404 that reading it
 * gives, and nothing changes.
 */
describeEachBackend('help: only a tutor who was offered a question may claim it', ({ db }) => {
  let t: TestApp;
  let dataDir: string;
  const sockets = new SocketPool();

  beforeAll(async () => {
    dataDir = makeDataDir();
    // A minute's cooldown after any notification, and tutors of a scarce subject (fewer than 2 tutors) held back from
    // other questions for the first 10 waves.
    t = await startTestApp(db().database, helpConfig(dataDir, { expiryMinutes: 2, cooldownSeconds: 60, scarceThreshold: 2, scarceHoldBackShare: 1, scarceHoldBackWaves: 10 }));
  });
  afterAll(async () => {
    sockets.closeAll();
    await t?.close();
    removeDir(dataDir);
  });

  /** The read and the claim of one question by one tutor: both 404, with the same error (request ids aside). */
  async function expectSame404(tutor: HelpUser, questionId: string) {
    const read = await tutor.client.get(`/api/help/questions/${questionId}`);
    const claim = await tutor.client.post(`/api/help/questions/${questionId}/accept`);
    expect(read.status).toBe(404);
    expect(claim.status, claim.text).toBe(404);
    const { requestId: _r1, ...readError } = read.json.error;
    const { requestId: _r2, ...claimError } = claim.json.error;
    expect(claimError).toEqual(readError);
    expect(claimError).toEqual({ code: 'not_found', message: expect.stringMatching(/question/i) });
  }

  async function expectStillOpen(questionId: string) {
    const [row] = await db().database.db.select().from(questions).where(eq(questions.id, questionId));
    expect(row).toMatchObject({ status: 'open', claimedBy: null, sessionId: null });
    expect(await db().database.db.select().from(tutoringSessions).where(eq(tutoringSessions.questionId, questionId))).toEqual([]);
  }

  it('refuses a tutor who was offline and never notified (404, like the read); the notified tutor wins', async () => {
    const chem = [{ subjectId: 'chemistry', level: 'grade-11-12' }];
    const offered = await makeTutor(t, { subjects: chem, sockets });
    const offline = await makeTutor(t, { subjects: chem, online: false, sockets });
    const q = await askQuestion(t, await makeStudent(t), 'chemistry', 'grade-11-12');
    await offered.events!.first('help:question', q.id);
    expect((await notificationRows(db().database, q.id)).map((r) => r.tutorId)).toEqual([offered.id]);

    await expectSame404(offline, q.id);
    await expectStillOpen(q.id);
    const won = await offered.client.post(`/api/help/questions/${q.id}/accept`);
    expect(won.status, won.text).toBe(200);
    expect(won.json).toEqual({ questionId: q.id, sessionId: expect.any(String) });
  });

  it('refuses a tutor who skipped the question, though they were notified', async () => {
    const econ = [{ subjectId: 'economics', level: 'grade-11-12' }];
    const skipper = await makeTutor(t, { subjects: econ, sockets });
    const q = await askQuestion(t, await makeStudent(t), 'economics', 'grade-11-12');
    await skipper.events!.first('help:question', q.id);
    expect((await skipper.client.get(`/api/help/questions/${q.id}`)).status).toBe(200);
    expect((await skipper.client.post(`/api/help/questions/${q.id}/skip`)).status).toBe(204);

    await expectSame404(skipper, q.id);
    await expectStillOpen(q.id);
  });

  it('refuses a tutor still cooling down from another question, who was not notified of this one', async () => {
    const geo = [{ subjectId: 'geography', level: 'grade-9-10' }];
    const cooling = await makeTutor(t, { subjects: geo, sockets });
    const first = await askQuestion(t, await makeStudent(t), 'geography', 'grade-9-10');
    await cooling.events!.first('help:question', first.id);
    const student = await makeStudent(t, sockets);
    const second = await askQuestion(t, student, 'geography', 'grade-9-10');
    // A wave has looked at the second question and held the tutor back for the cooldown.
    await student.events!.until(() => student.events!.progress(second.id).length > 0, 'a wave of the second question');
    expect(await notificationRows(db().database, second.id)).toEqual([]);

    await expectSame404(cooling, second.id);
    await expectStillOpen(second.id);
  });

  it('refuses a tutor held back for a scarce subject, who was not notified of this one', async () => {
    const history = { subjectId: 'history', level: 'grade-11-12' };
    // The held-back tutor also teaches a subject only they teach (scarce), so they are kept for it in early waves.
    const heldBack = await makeTutor(t, { subjects: [history, { subjectId: 'hindi', level: 'grade-11-12' }], sockets });
    const other = await makeTutor(t, { subjects: [history], sockets });
    const q = await askQuestion(t, await makeStudent(t), history.subjectId, history.level);
    await other.events!.first('help:question', q.id);
    expect((await notificationRows(db().database, q.id)).map((r) => r.tutorId)).toEqual([other.id]);

    await expectSame404(heldBack, q.id);
    await expectStillOpen(q.id);
    expect((await other.client.post(`/api/help/questions/${q.id}/accept`)).status).toBe(200);
  });
});
