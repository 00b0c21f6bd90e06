import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { askQuestion, FakeChannel, helpConfig, type HelpUser, makeDataDir, makeStudent, makeTutor, notificationRows, removeDir } from '../../../test/help';
import { SocketPool } from '../../../test/sockets';
import { schema } from '../../../test/schema';

/** Waves: who is told about a question, in what order, and through which channel. */
describeEachBackend('help: dispatching a question in waves', ({ db }) => {
  let t: TestApp;
  let dataDir: string;
  const channel = new FakeChannel();
  const sockets = new SocketPool();

  beforeAll(async () => {
    dataDir = makeDataDir();
    t = await startTestApp(db().database, helpConfig(dataDir, { firstWave: 2, waveSeconds: 0.4, expiryMinutes: 2 }), undefined, { channels: [channel] });
  });
  afterAll(async () => {
    sockets.closeAll();
    await t?.close();
    removeDir(dataDir);
  });

  it('notifies 2 eligible tutors, then widens until all 5 got exactly one notification, and never the ineligible', async () => {
    const maths = [{ subjectId: 'maths', level: 'grade-9-10' }];
    const student = await makeStudent(t, sockets);
    const eligible: HelpUser[] = [];
    for (let i = 0; i < 5; i++) eligible.push(await makeTutor(t, { subjects: maths, sockets }));

    const ineligible: Record<string, HelpUser> = {
      wrongLevel: await makeTutor(t, { subjects: [{ subjectId: 'maths', level: 'grade-11-12' }], sockets }),
      wrongSubject: await makeTutor(t, { subjects: [{ subjectId: 'physics', level: 'grade-9-10' }], sockets }),
      notApproved: await makeTutor(t, { subjects: maths, approved: false, sockets }),
      // Online means the switch on AND a live socket: each half alone is not enough.
      switchOnNoSocket: await makeTutor(t, { subjects: maths }),
      socketSwitchOff: await makeTutor(t, { subjects: maths, online: false, sockets }),
      blocked: await makeTutor(t, { subjects: maths, sockets }),
      inSession: await makeTutor(t, { subjects: [...maths, { subjectId: 'history', level: 'grade-6-8' }], sockets }),
    };
    // There is no block API yet: a student's block is a row in student_tutor_prefs.
    await db().database.db.insert(schema.studentTutorPrefs).values({ studentId: student.id, tutorId: ineligible.blocked!.id, blocked: true });
    // The busy tutor takes another student's history question and stays in that session.
    const other = await makeStudent(t);
    const history = await askQuestion(t, other, 'history', 'grade-6-8');
    await ineligible.inSession!.events!.first('help:question', history.id);
    const busy = await ineligible.inSession!.client.post(`/api/help/questions/${history.id}/accept`);
    expect(busy.status, busy.text).toBe(200);

    const q = await askQuestion(t, student, 'maths', 'grade-9-10');
    const log = student.events!;

    // The student watches the count grow: 2 after the first wave, 5 after the second, then sweeps that find nobody new.
    await log.until(() => log.progress(q.id).some((p) => p.notifiedCount >= 5), 'progress reaching 5 tutors');
    const seenFive = log.progress(q.id).length;
    await log.until(() => log.progress(q.id).length > seenFive, 'a sweep after the last wave');
    const progress = log.progress(q.id);
    const counts = progress.map((p) => p.notifiedCount);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect([...new Set(counts)]).toEqual([2, 5]);
    expect(progress[0]).toMatchObject({ questionId: q.id, wave: 1, notifiedCount: 2, expiresAt: q.expiresAt });
    expect(progress.at(-1)).toMatchObject({ wave: 2, notifiedCount: 5, nextWaveAt: expect.any(String) });

    // Each eligible tutor heard exactly once, over the socket and through the outbox.
    for (const tutor of eligible) await tutor.events!.first('help:question', q.id);
    for (const tutor of eligible) {
      const heard = tutor.events!.questions(q.id);
      expect(heard).toHaveLength(1);
      expect(heard[0]).toMatchObject({ questionId: q.id, subjectId: 'maths', level: 'grade-9-10', photos: [expect.objectContaining({ thumbUrl: expect.any(String) })] });
    }
    await channel.until(() => eligible.every((e) => channel.attemptsFor(e.id, q.id).length > 0), 'an outbox message to each eligible tutor');
    for (const tutor of eligible) expect(channel.attemptsFor(tutor.id, q.id, 'sent')).toHaveLength(1);

    const rows = await notificationRows(db().database, q.id);
    expect(rows.map((r) => r.tutorId).sort()).toEqual(eligible.map((e) => e.id).sort());
    expect(rows.filter((r) => r.wave === 1)).toHaveLength(2);
    expect(rows.filter((r) => r.wave === 2)).toHaveLength(3);
    for (const [why, tutor] of Object.entries(ineligible)) {
      expect(tutor.events?.questions(q.id) ?? [], why).toEqual([]);
      expect(channel.attemptsFor(tutor.id, q.id), why).toEqual([]);
    }

    const view = await student.client.get(`/api/help/questions/${q.id}`);
    expect(view.json).toMatchObject({ status: 'open', wave: 2, notifiedCount: 5 });
    const timeline = view.json.timeline as { type: string; data: Record<string, unknown> }[];
    expect(timeline[0]).toMatchObject({ type: 'asked', data: { subjectId: 'maths', level: 'grade-9-10', photos: 1 } });
    expect(timeline.filter((e) => e.type === 'wave').map((e) => e.data)).toEqual([
      expect.objectContaining({ wave: 1, notified: 2 }),
      expect.objectContaining({ wave: 2, notified: 3 }),
    ]);
  });

  it('tells an offline tutor who opted in through the outbox, exactly once per question', async () => {
    const chemistry = [{ subjectId: 'chemistry', level: 'university' }];
    const offline = await makeTutor(t, { subjects: chemistry, online: false, notifyWhenOffline: true });
    const online = await makeTutor(t, { subjects: chemistry, sockets });
    const offlineNoOptIn = await makeTutor(t, { subjects: chemistry, online: false });
    const student = await makeStudent(t, sockets);

    const questions = [await askQuestion(t, student, 'chemistry', 'university'), await askQuestion(t, student, 'chemistry', 'university')];
    for (const q of questions) {
      await channel.until(() => channel.attemptsFor(offline.id, q.id).length > 0, 'the outbox message to the offline tutor');
      await online.events!.first('help:question', q.id);
      // Let one more sweep pass, so a second message would have had its chance.
      const seen = student.events!.progress(q.id).length;
      await student.events!.until(() => student.events!.progress(q.id).length > seen, 'another sweep');
    }
    for (const q of questions) {
      const [message] = channel.attemptsFor(offline.id, q.id, 'sent');
      expect(channel.attemptsFor(offline.id, q.id)).toHaveLength(1);
      expect(message!.message).toMatchObject({ kind: 'help.question', data: { questionId: q.id, subjectId: 'chemistry', level: 'university' } });
      expect(message!.message.text).toMatch(/chemistry question/);
      expect(channel.attemptsFor(online.id, q.id)).toHaveLength(1);
      expect(channel.attemptsFor(offlineNoOptIn.id, q.id)).toEqual([]);
      const rows = await notificationRows(db().database, q.id);
      expect(rows.map((r) => r.tutorId).sort()).toEqual([offline.id, online.id].sort());
    }
  });
});
