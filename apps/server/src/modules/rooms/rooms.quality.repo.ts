import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';

type Rows<T> = { rows: T[] };

/**
 * One tutor's sessions in [since, until) for the ops quality page (issue #18): how many started, the minutes of those
 * that ended, their ids (support links tickets to them), and students' after-call ratings of booked lessons by week
 * (an instant question's student rates on the question, which help counts; decision 031).
 */
export async function roomsTutorQuality(q: Db | Tx, tutorId: string, range: { since: Date; until: Date }) {
  const since = range.since.toISOString();
  const until = range.until.toISOString();
  const sessions = (await q.execute(sql`
    select id, extract(epoch from ended_at - started_at)::float8 as seconds from tutoring_sessions
    where tutor_id = ${tutorId}::uuid and started_at >= ${since}::timestamptz and started_at < ${until}::timestamptz`)) as unknown as Rows<{ id: string; seconds: number | null }>;
  const ratings = (await q.execute(sql`
    select to_char(date_trunc('week', r.created_at at time zone 'UTC'), 'YYYY-MM-DD') as week, count(*)::int as count, sum(r.stars)::int as sum
    from session_ratings r join tutoring_sessions s on s.id = r.session_id
    where r.ratee_id = ${tutorId}::uuid and r.rater_role = 'student' and s.kind = 'booking'
      and r.created_at >= ${since}::timestamptz and r.created_at < ${until}::timestamptz
    group by 1 order by 1`)) as unknown as Rows<{ week: string; count: number; sum: number }>;
  const seconds = sessions.rows.reduce((n, r) => n + (r.seconds === null ? 0 : Number(r.seconds)), 0);
  return {
    sessions: sessions.rows.length,
    minutes: Math.round(seconds / 60),
    sessionIds: sessions.rows.map((r) => r.id),
    ratingWeeks: ratings.rows.map((r) => ({ week: r.week, count: Number(r.count), sum: Number(r.sum) })),
  };
}
