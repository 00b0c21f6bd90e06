import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';

/** A week's ratings: its Monday (UTC), how many, and their sum of stars. */
export interface RatingWeek {
  week: string;
  count: number;
  sum: number;
}

type Rows<T> = { rows: T[] };

/**
 * One tutor's instant-help figures in [since, until) for the ops quality page (issue #18), from this module's rows:
 * offers (notifications), accepts and the seconds from their offer to each accept, and the students' question ratings
 * by week (the rating that feeds the tutor's score, decision 031).
 */
export async function helpTutorQuality(q: Db | Tx, tutorId: string, range: { since: Date; until: Date }) {
  const since = range.since.toISOString();
  const until = range.until.toISOString();
  const offers = (await q.execute(sql`
    select count(*)::int as n from question_notifications
    where tutor_id = ${tutorId}::uuid and notified_at >= ${since}::timestamptz and notified_at < ${until}::timestamptz`)) as unknown as Rows<{ n: number }>;
  const accepts = (await q.execute(sql`
    select count(*)::int as n,
      avg(extract(epoch from qu.claimed_at - n.notified_at))::float8 as mean,
      percentile_cont(0.5) within group (order by extract(epoch from qu.claimed_at - n.notified_at))::float8 as median
    from questions qu join question_notifications n on n.question_id = qu.id and n.tutor_id = qu.claimed_by
    where qu.claimed_by = ${tutorId}::uuid and qu.claimed_at >= ${since}::timestamptz and qu.claimed_at < ${until}::timestamptz`)) as unknown as Rows<{ n: number; mean: number | null; median: number | null }>;
  const ratings = (await q.execute(sql`
    select to_char(date_trunc('week', rated_at at time zone 'UTC'), 'YYYY-MM-DD') as week, count(*)::int as count, sum(rating)::int as sum
    from questions
    where claimed_by = ${tutorId}::uuid and rating is not null and rated_at >= ${since}::timestamptz and rated_at < ${until}::timestamptz
    group by 1 order by 1`)) as unknown as Rows<RatingWeek>;
  const a = accepts.rows[0]!;
  return {
    offered: Number(offers.rows[0]!.n),
    accepted: Number(a.n),
    acceptSecondsMean: a.mean === null ? null : Number(a.mean),
    acceptSecondsMedian: a.median === null ? null : Number(a.median),
    ratingWeeks: ratings.rows.map((r) => ({ week: r.week, count: Number(r.count), sum: Number(r.sum) })),
  };
}
