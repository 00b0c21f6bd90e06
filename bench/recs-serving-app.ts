/**
 * The real Tutorline app in its own process for the recommendations serving bench (#17): in-memory PGlite seeded by
 * SQL with RECS_BENCH_TUTORS tutors (default 1,000; 60 teach maths at grade 11–12 and are free every day) and
 * RECS_BENCH_STUDENTS students with completed lessons in clusters, so EASE inverts a tutors × tutors matrix.
 * Prints `LISTENING <url>`; over IPC: { type: 'prepare', studentId } gives that student history and trains a first
 * model ('ready'); { type: 'train-loop' } trains again and again until { type: 'stop' } ('stopped', with the runs).
 */
import { sql } from 'drizzle-orm';
import { buildApp } from '../apps/server/src/app';
import { testConfig } from '../apps/server/src/config';
import { openDatabase } from '../apps/server/src/platform/db';

const tutors = Number(process.env.RECS_BENCH_TUTORS ?? 1000);
const students = Number(process.env.RECS_BENCH_STUDENTS ?? 3000);
const database = await openDatabase({ kind: 'pglite-memory' });
const app = await buildApp(testConfig({ host: '127.0.0.1', port: 0, logLevel: 'silent', seedDemo: false }), { database, manualJobs: true, recommendations: { pollMs: 3_600_000 } });
const db = app.database.db;
const now = app.clock.now();
const rules = JSON.stringify([1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '23:45' })));

await db.execute(sql`insert into users (id, role, email, password_hash, display_name, time_zone, created_at, password_changed_at)
  select gen_random_uuid(), 'tutor', 'bt' || g || '@example.test', 'x', 'Bench Tutor ' || g, 'UTC', ${now}, ${now} from generate_series(1, ${tutors}) g`);
await db.execute(sql`insert into tutor_profiles (user_id, time_zone, languages, approval_status) select id, 'UTC', array['English'], 'approved' from users where role = 'tutor'`);
await db.execute(sql`insert into tutor_subjects (tutor_id, subject_id, level)
  select user_id, case when row_number() over (order by user_id) <= 60 then 'maths' else 'physics' end, 'grade-11-12' from tutor_profiles`);
await db.execute(sql`insert into availability_policies (tutor_id, time_zone, rules, overrides, durations, buffer_minutes, min_notice_minutes, max_per_day, horizon_days, cancel_free_hours, updated_at)
  select user_id, 'UTC', ${rules}::jsonb, '[]'::jsonb, array[60]::integer[], 0, 60, null, 30, 24, ${now} from tutor_profiles`);
await db.execute(sql`insert into users (id, role, email, password_hash, display_name, time_zone, created_at, password_changed_at)
  select gen_random_uuid(), 'student', 'bs' || g || '@example.test', 'x', 'Bench Student', 'UTC', ${now}, ${now} from generate_series(1, ${students}) g`);
// Five lessons per student among 20 tutors of their cluster; each lesson at its own hour (48 h ago and earlier), so none overlap.
await db.execute(sql`with t as (select user_id as id, row_number() over (order by user_id) - 1 as i from tutor_profiles),
  s as (select id, row_number() over (order by id) - 1 as i from users where role = 'student' and email like 'bs%'),
  pick as (select s.id as student_id, t.id as tutor_id, row_number() over () as n from s cross join generate_series(0, 4) k
    join t on t.i = ((s.i % (${tutors} / 20)) * 20 + (s.i * 7 + k * 3) % 20))
  insert into bookings (id, tutor_id, student_id, starts_at, ends_at, status, idempotency_key, created_at, price_minor, currency, outcome, settled_at)
  select gen_random_uuid(), tutor_id, student_id, ${now}::timestamptz - make_interval(hours => n::int + 48), ${now}::timestamptz - make_interval(hours => n::int + 47), 'completed', gen_random_uuid()::text, ${now}, 0, 'INR', 'completed', ${now} from pick`);

const url = await app.listen();
const trainer = app.fastify.recommendations.trainer;
let looping = false;
let runs = 0;
process.on('message', (m: { type: string; studentId?: string }) => {
  void (async () => {
    if (m.type === 'prepare' && m.studentId) {
      await db.execute(sql`insert into bookings (id, tutor_id, student_id, starts_at, ends_at, status, idempotency_key, created_at, price_minor, currency, outcome, settled_at)
        select gen_random_uuid(), tutor_id, ${m.studentId}, ${now}::timestamptz - make_interval(hours => g::int + 2), ${now}::timestamptz - make_interval(hours => g::int + 1), 'completed', gen_random_uuid()::text, ${now}, 0, 'INR', 'completed', ${now}
        from (select tutor_id, row_number() over (order by tutor_id) as g from tutor_subjects where subject_id = 'maths' limit 3) x`);
      await trainer.train('admin');
      process.send?.({ type: 'ready' });
    } else if (m.type === 'train-loop') {
      looping = true;
      while (looping) {
        await trainer.train('admin');
        runs++;
      }
    } else if (m.type === 'stop') {
      looping = false;
      process.send?.({ type: 'stopped', runs });
      await app.close();
      process.exit(0);
    }
  })().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
});
console.log(`LISTENING ${url}`);
