import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminClient, Client, startTestApp, type TestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { helpConfig, type HelpUser, makeDataDir, makeTutor, removeDir, uploadPhoto } from '../../../test/help';
import { freePort } from '../../../test/net';
import { schema } from '../../../test/schema';
import { SocketPool } from '../../../test/sockets';
import { launchCourse, offsetClock } from './lti.testkit';

const MINUTE = 60_000;
const maths = { subjectId: 'maths', level: 'grade-9-10' };

/**
 * Issue #16, decision 076: a question asked from a course's "Instant help" item, and a class seat taken from its class
 * or series item, are tagged with the course in their own transaction; a course the learner is not an active member
 * of is refused with 403 and nothing is created. The usage report (and so CSV and xAPI) counts a learner's sessions
 * and classes only when they were asked or enrolled from that course.
 */
describeEachBackend('LTI: instant-help questions and class seats tagged with their course', ({ db }) => {
  let t: TestApp;
  let dataDir: string;
  let admin: Client;
  let tutor: HelpUser;
  let platforms = 0;
  const sockets = new SocketPool();
  const clock = offsetClock();

  /** A fresh course on its own simulated platform: its teacher and learners as clients, and the course id. */
  const course = () => launchCourse(t, admin, `ct${++platforms}`);
  const ask = async (c: Client, extra: Record<string, unknown> = {}) => {
    const photoId = await uploadPhoto(t, c);
    const res = await c.post('/api/help/questions', { requestId: crypto.randomUUID(), ...maths, photoIds: [photoId], ...extra });
    return { res, photoId };
  };
  const questionsOf = (studentId: string) => db().database.db.select().from(schema.questions).where(eq(schema.questions.studentId, studentId));
  const seatsOf = (studentId: string) => db().database.db.select().from(schema.classEnrolments).where(eq(schema.classEnrolments.studentId, studentId));
  /** A free class starting in an hour, taught by the test's tutor. */
  const newClass = async (title: string) => {
    const now = clock.now().getTime();
    const [row] = await db()
      .database.db.insert(schema.classes)
      .values({ tutorId: tutor.id, ...maths, title, description: 'x', language: 'en', startsAt: new Date(now + 60 * MINUTE), endsAt: new Date(now + 105 * MINUTE), timeZone: 'UTC', capacity: 10, priceMinor: 0, currency: 'INR', status: 'scheduled', createdAt: new Date(now) })
      .returning();
    return row!.id;
  };

  beforeAll(async () => {
    dataDir = makeDataDir();
    const port = await freePort();
    t = await startTestApp(db().database, { ...helpConfig(dataDir), port, publicUrl: `http://127.0.0.1:${port}`, allowedOrigins: [`http://127.0.0.1:${port}`], lti: { simulator: true } }, clock);
    admin = (await adminClient(t)).client;
    tutor = await makeTutor(t, { subjects: [maths], sockets });
  });
  afterAll(async () => {
    sockets.closeAll();
    await t?.close();
    removeDir(dataDir);
  });

  it("tags a question asked from the course, and its session; a course the learner is not in is refused and nothing is asked; usage counts only the course's sessions", async () => {
    const c = await course();
    const other = await course();
    const asha = await c.as('student-1');

    const tagged = await ask(asha.client, { course: c.courseId });
    expect(tagged.res.status, tagged.res.text).toBe(201);
    const plain = await ask(asha.client);
    expect(plain.res.status).toBe(201);
    expect(Object.fromEntries((await questionsOf(asha.id)).map((q) => [q.id, q.courseId]))).toEqual({ [tagged.res.json.id]: c.courseId, [plain.res.json.id]: null });
    expect(t.logs()).toContain(`"courseId":"${c.courseId}"`);

    // Another course (never launched by Asha), and one that does not exist: 403 in words, no question, the photo free for another try.
    for (const courseId of [other.courseId, '00000000-0000-4000-8000-000000000000']) {
      const refused = await ask(asha.client, { course: courseId });
      expect(refused.res.status, refused.res.text).toBe(403);
      expect(refused.res.json.error).toMatchObject({ code: 'forbidden', message: 'You are not in that course, so a question cannot be asked for it. Open Tutorline from the course again.' });
      expect((await db().database.db.select().from(schema.questionPhotos).where(eq(schema.questionPhotos.id, refused.photoId)))[0]?.questionId).toBeNull();
    }
    expect(await questionsOf(asha.id)).toHaveLength(2);
    expect(t.logs()).toContain('"event":"question_course_refused"');
    expect((await asha.client.post('/api/help/questions', { requestId: crypto.randomUUID(), ...maths, photoIds: [crypto.randomUUID()], course: 'not-a-uuid' })).status).toBe(400);

    // The tutor answers both: each question gets its own session, and only the tagged one is the course's.
    for (const q of [tagged.res.json.id as string, plain.res.json.id as string]) {
      await tutor.events!.first('help:question', q);
      const accepted = await tutor.client.post(`/api/help/questions/${q}/accept`);
      expect(accepted.status, accepted.text).toBe(200);
      expect((await tutor.client.post(`/api/help/questions/${q}/answered`)).status).toBe(200);
    }
    const report = await c.teacher.get(`/api/lti/courses/${c.courseId}/usage`);
    expect(report.status, report.text).toBe(200);
    expect(report.json.learners.find((l: { name: string }) => l.name === 'Asha Learner')).toMatchObject({ sessions: 1, classes: 0, lessons: 0 });
    const csv = await c.teacher.get(`/api/lti/courses/${c.courseId}/activities.csv`);
    const sessionId = (await questionsOf(asha.id)).find((q) => q.id === tagged.res.json.id)!.sessionId!;
    expect(csv.text.trim().split('\r\n').slice(1).map((l) => l.split(',')[4])).toEqual([sessionId]);
  });

  it('tags a seat taken from the course (and an earlier seat when enrolled again from it); a course the learner is not in gets no seat; usage counts only its classes', async () => {
    const c = await course();
    const other = await course();
    const ben = await c.as('student-2');
    const [fromCourse, onItsOwn, laterFromCourse, refusedClass] = [await newClass('Fractions'), await newClass('Geometry'), await newClass('Ratios'), await newClass('Angles')];

    const enrolled = await ben.client.post(`/api/classes/${fromCourse}/enrol`, { course: c.courseId });
    expect(enrolled.status, enrolled.text).toBe(200);
    const own = await ben.client.post(`/api/classes/${onItsOwn}/enrol`);
    expect(own.status, own.text).toBe(200);
    // Enrolled first on its own, then again from the course link: the same seat, now the course's.
    expect((await ben.client.post(`/api/classes/${laterFromCourse}/enrol`)).status).toBe(200);
    const again = await ben.client.post(`/api/classes/${laterFromCourse}/enrol`, { course: c.courseId });
    expect(again.status, again.text).toBe(200);
    expect(t.logs()).toContain('"event":"class_enrolment_tagged"');

    const refused = await ben.client.post(`/api/classes/${refusedClass}/enrol`, { course: other.courseId });
    expect(refused.status, refused.text).toBe(403);
    expect(refused.json.error.message).toBe('You are not in that course, so you cannot join this class for it. Open Tutorline from the course again.');
    expect((await ben.client.post(`/api/classes/${onItsOwn}/enrol`, { course: other.courseId })).status).toBe(403);
    expect(Object.fromEntries((await seatsOf(ben.id)).map((s) => [s.classId, s.courseId]))).toEqual({ [fromCourse]: c.courseId, [onItsOwn]: null, [laterFromCourse]: c.courseId });
    expect((await db().database.db.select().from(schema.classes).where(eq(schema.classes.id, refusedClass)))[0]?.enrolledCount).toBe(0);

    // Ben attends all three: the course counts the two he enrolled in from it.
    for (const classId of [fromCourse, onItsOwn, laterFromCourse]) await db().database.db.insert(schema.classAttendance).values({ classId, userId: ben.id, kind: 'join', at: new Date(clock.now().getTime() + 61 * MINUTE) });
    clock.advance(2 * 60 * MINUTE);
    const report = await c.teacher.get(`/api/lti/courses/${c.courseId}/usage`);
    expect(report.json.learners.find((l: { name: string }) => l.name === 'Ben Learner')).toMatchObject({ classes: 2, sessions: 0 });
    const csv = await c.teacher.get(`/api/lti/courses/${c.courseId}/activities.csv`);
    expect(new Set(csv.text.trim().split('\r\n').slice(1).map((l) => l.split(',')[4]))).toEqual(new Set([fromCourse, laterFromCourse]));
  });
});
