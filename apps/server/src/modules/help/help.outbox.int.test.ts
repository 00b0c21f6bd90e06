import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { askQuestion, FakeChannel, helpConfig, makeDataDir, makeStudent, makeTutor, notifyJob, removeDir, waitUntil } from '../../../test/help';

/**
 * A question's message to an offline tutor goes through the outbox: a durable job, retried with the
 * runner's back-off (1 s, then 2 s) when the channel fails, and given up at once when the channel says retrying is pointless.
 */
describeEachBackend('help: the notification outbox', ({ db }) => {
  let t: TestApp;
  let dataDir: string;
  const channel = new FakeChannel();

  beforeAll(async () => {
    dataDir = makeDataDir();
    t = await startTestApp(db().database, helpConfig(dataDir, { firstWave: 20, waveSeconds: 0.5, expiryMinutes: 2 }), undefined, { channels: [channel] });
  });
  afterAll(async () => {
    await t?.close();
    removeDir(dataDir);
  });

  const offlineTutor = (subjectId: string, level: string) => makeTutor(t, { subjects: [{ subjectId, level }], online: false, notifyWhenOffline: true });

  it('retries a channel that fails twice, then delivers exactly once', async () => {
    const tutor = await offlineTutor('hindi', 'grade-6-8');
    channel.failNext(tutor.id, 2);
    const q = await askQuestion(t, await makeStudent(t), 'hindi', 'grade-6-8');

    // Back-off is 1 s then 2 s: the third attempt comes about 3 s after the first.
    await channel.until(() => channel.attemptsFor(tutor.id, q.id, 'sent').length > 0, 'the third attempt to succeed', 15_000);
    const job = await waitUntil(async () => {
      const row = await notifyJob(db().database, q.id, tutor.id);
      return row?.state === 'done' && row;
    }, 'the outbox job to be done');
    expect(job).toMatchObject({ state: 'done', attempts: 3, finishedAt: expect.any(Date) });
    expect(channel.attemptsFor(tutor.id, q.id).map((a) => a.outcome)).toEqual(['failed', 'failed', 'sent']);
    expect(channel.attemptsFor(tutor.id, q.id, 'sent')[0]!.message).toMatchObject({ kind: 'help.question', data: { questionId: q.id } });
  });

  it('gives up at once on a PermanentJobError: the job is failed and never retried', async () => {
    const tutor = await offlineTutor('history', 'grade-9-10');
    channel.refuse(tutor.id);
    const student = await makeStudent(t);
    const q = await askQuestion(t, student, 'history', 'grade-9-10');

    const job = await waitUntil(async () => {
      const row = await notifyJob(db().database, q.id, tutor.id);
      return row?.state === 'failed' && row;
    }, 'the outbox job to fail');
    expect(job).toMatchObject({ state: 'failed', attempts: 1, lastError: 'the fake provider refused this number', lockedUntil: null, finishedAt: expect.any(Date) });
    expect(job.maxAttempts).toBeGreaterThan(1);
    expect(channel.attemptsFor(tutor.id, q.id).map((a) => a.outcome)).toEqual(['refused']);

    // A later job reaching the runner (the next question) does not pick the failed one up again.
    const tutor2 = await offlineTutor('history', 'grade-9-10');
    const q2 = await askQuestion(t, student, 'history', 'grade-9-10');
    await channel.until(() => channel.attemptsFor(tutor2.id, q2.id, 'sent').length > 0, 'the next message');
    expect(channel.attemptsFor(tutor.id, q.id)).toHaveLength(1);
    expect(await notifyJob(db().database, q.id, tutor.id)).toMatchObject({ state: 'failed', attempts: 1 });
  });
});
