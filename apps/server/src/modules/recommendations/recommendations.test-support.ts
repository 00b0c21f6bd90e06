import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import { createIdentityRepo } from '../identity';

const HOUR_MS = 3_600_000;
export const SUBJECT = 'maths';
export const LEVEL = 'grade-11-12';

/** An approved tutor teaching maths at grade 11–12, in UTC, free every day 06:00–22:00 unless `free` is false. */
export async function addTutor(db: Db, name: string, now: Date, opts: { languages?: string[]; free?: boolean; approved?: boolean } = {}): Promise<string> {
  const repo = createIdentityRepo(db);
  const tutor = await repo.insertTutor({ role: 'tutor', email: `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.test`, passwordHash: 'x', displayName: name, timeZone: 'UTC', createdAt: now, passwordChangedAt: now }, { timeZone: 'UTC' });
  await repo.updateTutorProfile(tutor.id, { languages: opts.languages ?? ['English', 'Hindi'], hourlyRateMinor: 50_000, currency: 'INR' }, [{ subjectId: SUBJECT, level: LEVEL }]);
  if (opts.approved ?? true) await repo.setApproval(tutor.id, 'approved', tutor.id, now);
  if (opts.free ?? true) {
    const rules = JSON.stringify([1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '06:00', end: '22:00' })));
    await db.execute(sql`insert into availability_policies (tutor_id, time_zone, rules, overrides, durations, buffer_minutes, min_notice_minutes, max_per_day, horizon_days, cancel_free_hours, updated_at)
      values (${tutor.id}, 'UTC', ${rules}::jsonb, '[]'::jsonb, array[60]::integer[], 0, 60, null, 30, 24, ${now})`);
  }
  return tutor.id;
}

/** A student row with no password (history only; cannot log in). */
export async function addHistoryStudent(db: Db, now: Date): Promise<string> {
  const user = await createIdentityRepo(db).insertUser({ role: 'student', email: `hist-${randomUUID().slice(0, 8)}@example.test`, passwordHash: 'x', displayName: 'History Student', timeZone: 'UTC', createdAt: now, passwordChangedAt: now });
  return user.id;
}

/** An answered instant-help question with its ended session of `minutes`, `daysAgo` days before `now`. */
export async function addHelpSession(db: Db, studentId: string, tutorId: string, now: Date, daysAgo: number, minutes = 20, rating: number | null = 5): Promise<void> {
  const at = new Date(now.getTime() - daysAgo * 24 * HOUR_MS);
  const questionId = randomUUID();
  const sessionId = randomUUID();
  await db.execute(sql`insert into questions (id, student_id, request_id, subject_id, level, status, created_at, expires_at, claimed_by, claimed_at, session_id, answered_at, rating)
    values (${questionId}, ${studentId}, ${randomUUID()}, ${SUBJECT}, ${LEVEL}, 'answered', ${at}, ${new Date(at.getTime() + HOUR_MS)}, ${tutorId}, ${at}, ${sessionId}, ${at}, ${rating})`);
  await db.execute(sql`insert into tutoring_sessions (id, kind, status, student_id, tutor_id, question_id, started_at, ended_at)
    values (${sessionId}, 'instant', 'ended', ${studentId}, ${tutorId}, ${questionId}, ${at}, ${new Date(at.getTime() + minutes * 60_000)})`);
}

let bookingHour = 0;
/** A completed (or other outcome) booked lesson `daysAgo` days before `now`; each at its own hour so none overlap. */
export async function addLesson(db: Db, studentId: string, tutorId: string, now: Date, daysAgo: number, outcome: 'completed' | 'student_no_show' = 'completed'): Promise<void> {
  const at = new Date(now.getTime() - daysAgo * 24 * HOUR_MS - ++bookingHour * HOUR_MS);
  const status = outcome === 'completed' ? 'completed' : 'no_show';
  await db.execute(sql`insert into bookings (id, tutor_id, student_id, starts_at, ends_at, status, idempotency_key, created_at, price_minor, currency, confirmed_at, outcome, settled_at)
    values (${randomUUID()}, ${tutorId}, ${studentId}, ${at}, ${new Date(at.getTime() + HOUR_MS)}, ${status}, ${randomUUID()}, ${at}, 50000, 'INR', ${at}, ${outcome}, ${at})`);
}

/**
 * Two groups of students with the structure collaborative filtering finds: group A has sessions with Asha and Ravi
 * and lessons with Meera; group B sessions with Karan and Priya and lessons with Dev. Returns nothing; ids by name.
 */
export async function seedTwoGroups(db: Db, now: Date, t: Record<'asha' | 'ravi' | 'meera' | 'karan' | 'priya' | 'dev', string>, perGroup = 8): Promise<void> {
  for (let i = 0; i < perGroup; i++) {
    const a = await addHistoryStudent(db, now);
    await addHelpSession(db, a, t.asha, now, 20 + i);
    await addHelpSession(db, a, t.ravi, now, 18 + i);
    await addLesson(db, a, t.meera, now, 10 + i);
    await addLesson(db, a, t.meera, now, 5 + i);
    const b = await addHistoryStudent(db, now);
    await addHelpSession(db, b, t.karan, now, 20 + i);
    await addHelpSession(db, b, t.priya, now, 18 + i);
    await addLesson(db, b, t.dev, now, 10 + i);
    await addLesson(db, b, t.dev, now, 5 + i);
  }
}
