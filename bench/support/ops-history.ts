/**
 * A seeded generator of instant-help and lesson history for the dashboard bench (#18): per day, `sessionsPerDay`
 * sessions (two thirds with their claimed question, one third without; booked lessons need scheduling's rows, not made here), a quarter as many
 * questions that expired or were cancelled, the first together-interval, a student rating for half, and a
 * diagnostics event plus a reconnect for one session in ten. Written by PostgreSQL itself (generate_series,
 * setseed), so 300,000 sessions take a minute or two rather than an hour of round trips.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../apps/server/src/platform/db';

export async function generateHistory(db: Db, opts: { studentIds: string[]; tutorIds: string[]; from: Date; days: number; sessionsPerDay: number; seed: number }) {
  const { studentIds, tutorIds, from, days, sessionsPerDay } = opts;
  const n = days * sessionsPerDay;
  const instant = Math.round((n * 2) / 3);
  const unclaimed = Math.round(n / 4);
  const span = days * 86_400; // seconds
  const students = sql.param(studentIds);
  const tutors = sql.param(tutorIds);
  const t0 = from.toISOString();
  await db.transaction(async (tx) => {
    await tx.execute(sql`select setseed(${opts.seed / 1000})`);
    // Instant help: a claimed, answered question and its session.
    await tx.execute(sql`
      with g as (
        select i, gen_random_uuid() as qid, gen_random_uuid() as sid,
          ${t0}::timestamptz + (random() * (${span} - 3600)) * interval '1 second' as asked,
          (power(random(), 3) * 600)::int as wait,
          (${students}::uuid[])[1 + floor(random() * ${studentIds.length})::int] as student,
          (${tutors}::uuid[])[1 + floor(random() * ${tutorIds.length})::int] as tutor,
          random() as r
        from generate_series(1, ${instant}) i
      ), q as (
        insert into questions (id, student_id, request_id, subject_id, level, status, created_at, expires_at, claimed_by, claimed_at, session_id, answered_at, closed_at, rating, rated_at)
        select qid, student, gen_random_uuid(), 'maths', 'grade-9-10', 'answered', asked, asked + interval '10 minutes', tutor,
          asked + wait * interval '1 second', sid, asked + (wait + 900) * interval '1 second', asked + (wait + 900) * interval '1 second',
          case when r < 0.5 then 5 end, case when r < 0.5 then asked + (wait + 960) * interval '1 second' end
        from g returning 1
      ), s as (
        insert into tutoring_sessions (id, kind, status, student_id, tutor_id, question_id, started_at, ended_at)
        select sid, 'instant', 'ended', student, tutor, qid, asked + wait * interval '1 second', asked + (wait + 900) * interval '1 second' from g returning 1
      )
      select (select count(*) from q), (select count(*) from s)`);
    // Sessions without a question (a booking session needs a real booking row, which scheduling owns): the rest.
    await tx.execute(sql`
      insert into tutoring_sessions (kind, status, student_id, tutor_id, started_at, ended_at)
      select 'instant', 'ended', (${students}::uuid[])[1 + floor(random() * ${studentIds.length})::int], (${tutors}::uuid[])[1 + floor(random() * ${tutorIds.length})::int],
        t, t + interval '50 minutes'
      from (select ${t0}::timestamptz + (random() * (${span} - 3600)) * interval '1 second' as t from generate_series(1, ${n - instant})) x`);
    // Questions nobody claimed: expired or cancelled.
    await tx.execute(sql`
      insert into questions (student_id, request_id, subject_id, level, status, created_at, expires_at, closed_at)
      select (${students}::uuid[])[1 + floor(random() * ${studentIds.length})::int], gen_random_uuid(), 'maths', 'grade-9-10',
        case when r < 0.7 then 'expired'::question_status else 'cancelled'::question_status end, t, t + interval '10 minutes',
        case when r < 0.7 then t + interval '10 minutes' else t + interval '2 minutes' end
      from (select ${t0}::timestamptz + (random() * (${span} - 3600)) * interval '1 second' as t, random() as r from generate_series(1, ${unclaimed})) x`);
    const since = sql`${t0}::timestamptz`;
    const until = sql`${t0}::timestamptz + ${days} * interval '1 day'`;
    await tx.execute(sql`insert into session_together (session_id, started_at, ended_at)
      select id, started_at + interval '20 seconds', ended_at from tutoring_sessions where started_at >= ${since} and started_at < ${until}`);
    await tx.execute(sql`insert into session_ratings (session_id, rater_id, ratee_id, rater_role, stars, created_at)
      select id, student_id, tutor_id, 'student', 4, ended_at + interval '1 minute' from tutoring_sessions
      where started_at >= ${since} and started_at < ${until} and random() < 0.5`);
    await tx.execute(sql`insert into call_events (session_id, user_id, type, at, data)
      select id, student_id, e.type, started_at + e.off, e.data from tutoring_sessions
      cross join lateral (values ('diagnostics', interval '2 seconds', jsonb_build_object('diagnostics', jsonb_build_object('browser', 'Chrome', 'os', 'Android', 'device', 'phone', 'userAgent', 'bench'))),
                                 ('reconnecting', interval '5 minutes', '{}'::jsonb)) e(type, off, data)
      where started_at >= ${since} and started_at < ${until} and random() < 0.1`);
  });
  return { sessions: n, questions: instant + unclaimed };
}
