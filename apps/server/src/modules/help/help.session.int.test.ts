import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { askQuestion, helpConfig, type HelpUser, makeDataDir, makeStudent, makeTutor, removeDir, whenOffered } from '../../../test/help';
import { schema } from '../../../test/schema';
import { QUESTION_RATED } from './help.events';
import { defaultHelpRates } from './help.rates';

const { ledgerAccounts, ledgerEntries, ledgerTransactions, studentTutorPrefs, tutorHelpStats, questions } = schema;
const rate = (subjectId: string, currency: string) => defaultHelpRates.find((r) => r.subjectId === subjectId && r.currency === currency)!.amountMinor;

/** After the claim: the tutor marks the question answered (and earns, once), the student rates it, and it shows in history. */
describeEachBackend('help: answering and rating', ({ db }) => {
  let t: TestApp;
  let dataDir: string;
  const ratedEvents: { questionId: string; studentId: string; tutorId: string | null; stars: number }[] = [];

  beforeAll(async () => {
    dataDir = makeDataDir();
    t = await startTestApp(db().database, helpConfig(dataDir));
    t.app.fastify.platform.events.on(QUESTION_RATED, async (e) => void ratedEvents.push({ questionId: e.questionId, studentId: e.studentId, tutorId: e.tutorId, stars: e.stars }));
  });
  afterAll(async () => {
    await t?.close();
    removeDir(dataDir);
  });

  /** The question's earnings as the ledger holds them (their one record, #14): who is owed, in which currency, how much. */
  const earningsOf = async (questionId: string) => {
    const rows = await db()
      .database.db.select({ tutorId: ledgerAccounts.ownerId, currency: ledgerEntries.currency, amountMinor: ledgerEntries.amountMinor })
      .from(ledgerTransactions)
      .innerJoin(ledgerEntries, eq(ledgerEntries.transactionId, ledgerTransactions.id))
      .innerJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerEntries.accountId))
      .where(and(eq(ledgerTransactions.questionId, questionId), eq(ledgerTransactions.kind, 'earning'), eq(ledgerAccounts.kind, 'payable')));
    // An answered question's earning (an instant question's, in tutor_earnings' words before #14).
    return rows.map((r) => ({ tutorId: r.tutorId, kind: 'instant_question', currency: r.currency, amountMinor: -r.amountMinor }));
  };

  /** A student's question on `subjectId`, claimed by a fresh tutor; returns both and the session id. */
  async function claimed(subjectId: string, level: string, tutorExtra: { currency?: 'USD' | 'INR' } = {}) {
    const tutor = await makeTutor(t, { subjects: [{ subjectId, level }], online: false, notifyWhenOffline: true });
    if (tutorExtra.currency) expect((await tutor.client.put('/api/tutors/me/profile', { currency: tutorExtra.currency })).status).toBe(200);
    const student = await makeStudent(t);
    const q = await askQuestion(t, student, subjectId, level);
    await whenOffered(tutor, q.id);
    const accept = await tutor.client.post(`/api/help/questions/${q.id}/accept`);
    expect(accept.status, accept.text).toBe(200);
    return { tutor, student, q, sessionId: accept.json.sessionId as string };
  }

  it("marks the question answered, ends the session and records one earning at the subject's rate", async () => {
    const { tutor, student, q, sessionId } = await claimed('physics', 'university');
    // Two marks at once (a double tap): both succeed, one of them does the work.
    const both = await Promise.all([tutor.client.post(`/api/help/questions/${q.id}/answered`), tutor.client.post(`/api/help/questions/${q.id}/answered`)]);
    for (const res of both) {
      expect(res.status, res.text).toBe(200);
      expect(res.json).toMatchObject({ id: q.id, status: 'answered', answeredAt: expect.any(String), sessionId });
    }

    const session = await student.client.get(`/api/sessions/${sessionId}`);
    expect(session.json).toMatchObject({ status: 'ended', endedAt: expect.any(String) });
    const earnings = await earningsOf(q.id);
    expect(earnings).toEqual([expect.objectContaining({ tutorId: tutor.id, kind: 'instant_question', currency: 'INR', amountMinor: rate('physics', 'INR') })]);

    // Marking again later changes nothing either.
    const again = await tutor.client.post(`/api/help/questions/${q.id}/answered`);
    expect(again.status).toBe(200);
    expect(again.json.status).toBe('answered');
    expect(await earningsOf(q.id)).toHaveLength(1);

    const today = await tutor.client.get('/api/help/tutor/today');
    expect(today.status).toBe(200);
    expect(today.json).toEqual({ answeredToday: 1, earningsToday: [{ currency: 'INR', amountMinor: rate('physics', 'INR') }] });

    const timeline = (await student.client.get(`/api/help/questions/${q.id}`)).json.timeline.map((e: { type: string }) => e.type);
    expect(timeline.filter((type: string) => type === 'answered')).toHaveLength(1);
    expect(timeline.filter((type: string) => type === 'session_ended')).toHaveLength(1);
  });

  it("pays a tutor in their profile's currency", async () => {
    const { tutor, q } = await claimed('computer-science', 'university', { currency: 'USD' });
    expect((await tutor.client.post(`/api/help/questions/${q.id}/answered`)).status).toBe(200);
    expect(await earningsOf(q.id)).toEqual([expect.objectContaining({ currency: 'USD', amountMinor: rate('computer-science', 'USD') })]);
    expect((await tutor.client.get('/api/help/tutor/today')).json).toEqual({ answeredToday: 1, earningsToday: [{ currency: 'USD', amountMinor: rate('computer-science', 'USD') }] });
  });

  it('lets only the claiming tutor mark it answered (404 for anyone else)', async () => {
    const { q } = await claimed('chemistry', 'grade-11-12');
    const other: HelpUser = await makeTutor(t, { subjects: [{ subjectId: 'chemistry', level: 'grade-11-12' }], online: false });
    const res = await other.client.post(`/api/help/questions/${q.id}/answered`);
    expect(res.status).toBe(404);
    expect(await earningsOf(q.id)).toEqual([]);
    const [row] = await db().database.db.select().from(questions).where(eq(questions.id, q.id));
    expect(row?.status).toBe('claimed');
  });

  it('stores a 5-star rating with a favourite, once; a stranger cannot rate', async () => {
    const { tutor, student, q, sessionId } = await claimed('maths', 'university');
    const early = await student.client.post(`/api/help/questions/${q.id}/rating`, { stars: 5 });
    expect(early.status).toBe(409);
    expect((await tutor.client.post(`/api/help/questions/${q.id}/answered`)).status).toBe(200);

    const stranger = await makeStudent(t);
    const theirs = await stranger.client.post(`/api/help/questions/${q.id}/rating`, { stars: 1 });
    expect(theirs.status).toBe(404);

    const rated = await student.client.post(`/api/help/questions/${q.id}/rating`, { stars: 5, comment: 'Clear and quick', favourite: true });
    expect(rated.status, rated.text).toBe(200);
    expect(rated.json).toMatchObject({ id: q.id, rating: 5, tutor: { id: tutor.id, rating: 5, ratingCount: 1 } });
    // One QUESTION_RATED event, for the first rating only (LTI grades the answered and rated question).
    expect(ratedEvents.filter((e) => e.questionId === q.id)).toEqual([{ questionId: q.id, studentId: student.id, tutorId: tutor.id, stars: 5 }]);
    const twice = await student.client.post(`/api/help/questions/${q.id}/rating`, { stars: 4 });
    expect(twice.status).toBe(409);
    expect(twice.json.error.message).toMatch(/already rated/);
    expect(ratedEvents.filter((e) => e.questionId === q.id)).toHaveLength(1);

    const [row] = await db().database.db.select().from(questions).where(eq(questions.id, q.id));
    expect(row).toMatchObject({ rating: 5, ratingComment: 'Clear and quick', ratedAt: expect.any(Date) });
    const [prefs] = await db()
      .database.db.select()
      .from(studentTutorPrefs)
      .where(and(eq(studentTutorPrefs.studentId, student.id), eq(studentTutorPrefs.tutorId, tutor.id)));
    expect(prefs).toMatchObject({ favourite: true, bestRating: 5, blocked: false });
    const [stats] = await db().database.db.select().from(tutorHelpStats).where(eq(tutorHelpStats.tutorId, tutor.id));
    expect(stats).toMatchObject({ ratingSum: 5, ratingCount: 1, acceptedCount: 1 });

    const history = await student.client.get('/api/help/questions');
    expect(history.status).toBe(200);
    expect(history.json.questions).toEqual([
      expect.objectContaining({ id: q.id, status: 'answered', sessionId, rating: 5, tutor: expect.objectContaining({ id: tutor.id }), photos: [expect.any(Object)] }),
    ]);
    expect((await stranger.client.get('/api/help/questions')).json.questions).toEqual([]);
  });
});
