import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, type TestApp, relaxedLogin, signUpStudent, startTestApp } from '../../../test/app';
import { describeEachBackend } from '../../../test/db';
import { createIdentityRepo } from '../identity';
import { readInteractions } from './recommendations.interactions';
import { createRecommendationsRepo } from './recommendations.repo';
import { addTutor, LEVEL, SUBJECT } from './recommendations.test-support';

const NOW = new Date('2026-03-02T08:00:00Z');
const clock = { now: () => new Date(NOW) };

/** A lesson's subject comes from its booking (#17): the learner books in a subject the tutor teaches, and the interaction and the home's subjects use it; a view that led to a booking is a signal. */
describeEachBackend('recommendations: a lesson’s subject from its booking', ({ db }) => {
  let t: TestApp;
  let student: Client;
  let studentId: string;
  let tutorId: string;

  beforeAll(async () => {
    t = await startTestApp(db().database, { login: relaxedLogin }, clock, { manualJobs: true, recommendations: { pollMs: 3_600_000 } });
    tutorId = await addTutor(t.app.database.db, 'Farah', NOW);
    // She teaches maths first, then physics: without the booking's subject, a lesson would count as maths.
    await createIdentityRepo(t.app.database.db).updateTutorProfile(tutorId, { languages: ['English'], hourlyRateMinor: 50_000, currency: 'INR' }, [
      { subjectId: SUBJECT, level: LEVEL },
      { subjectId: 'physics', level: LEVEL },
    ]);
    student = new Client(t.baseUrl);
    studentId = (await signUpStudent(student)).user.id;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const count = async () => Number(((await t.app.database.db.execute(sql`select count(*)::int as n from bookings where student_id = ${studentId}`)) as unknown as { rows: { n: number }[] }).rows[0]!.n);

  it('books a lesson in a subject the tutor teaches, and refuses one she does not teach, booking nothing', async () => {
    const body = { tutorId, start: '2026-03-03T10:00:00Z', durationMinutes: 60 };
    const refused = await student.post('/api/bookings', { ...body, idempotencyKey: randomUUID(), subject: { id: 'chemistry', level: LEVEL } });
    expect(refused.status, refused.text).toBe(400);
    expect(refused.json.error.message).toBe('The tutor does not teach that subject and level.');
    expect(await count()).toBe(0);
    const booked = await student.post('/api/bookings', { ...body, idempotencyKey: randomUUID(), subject: { id: 'physics', level: LEVEL } });
    expect(booked.status, booked.text).toBe(201);
    const rows = (await t.app.database.db.execute(sql`select subject_id, level from bookings where id = ${booked.json.id}`)) as unknown as { rows: { subject_id: string; level: string }[] };
    expect(rows.rows[0]).toEqual({ subject_id: 'physics', level: LEVEL });
  });

  it('trains and serves on the booked subject: the lesson’s interaction and the home’s subjects are physics', async () => {
    const at = new Date(NOW.getTime() - 3 * 86_400_000);
    await t.app.database.db.execute(sql`insert into bookings (id, tutor_id, student_id, starts_at, ends_at, status, idempotency_key, created_at, price_minor, currency, confirmed_at, outcome, settled_at, subject_id, level)
      values (${randomUUID()}, ${tutorId}, ${studentId}, ${at}, ${new Date(at.getTime() + 3_600_000)}, 'completed', ${randomUUID()}, ${at}, 50000, 'INR', ${at}, 'completed', ${at}, 'physics', ${LEVEL})`);
    const rows = await readInteractions(t.app.database.db, createRecommendationsRepo(t.app.database.db), { since: new Date(NOW.getTime() - 30 * 86_400_000), until: NOW, studentId });
    expect(rows.filter((r) => r.kind === 'lesson').map((r) => r.subject)).toEqual(['physics']);
    const home = await student.get('/api/recommendations/home');
    expect(home.status, home.text).toBe(200);
    expect(home.json.subjects.map((s: { subjectId: string; level: string }) => `${s.subjectId}/${s.level}`)).toEqual([`physics/${LEVEL}`]);
  });

  it('counts a profile view as a signal only when a booking of that tutor followed it', async () => {
    const other = await addTutor(t.app.database.db, 'Gita', NOW);
    expect((await student.post('/api/recommendations/views', { tutorId })).status).toBe(204);
    expect((await student.post('/api/recommendations/views', { tutorId: other })).status).toBe(204);
    // The lesson booked above starts the next day, within 14 days of the view; Gita was only looked at.
    const rows = await readInteractions(t.app.database.db, createRecommendationsRepo(t.app.database.db), { since: new Date(NOW.getTime() - 86_400_000), until: new Date(NOW.getTime() + 7 * 86_400_000), studentId });
    expect(rows.filter((r) => r.kind === 'view_booked').map((r) => r.tutorId)).toEqual([tutorId]);
  });
});
