import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';

/** One tutor's group classes that start in [since, until), for the ops quality page (issue #18): taught, no-shows, cancelled. */
export async function classesTutorQuality(q: Db | Tx, tutorId: string, range: { since: Date; until: Date }) {
  const res = (await q.execute(sql`
    select
      (count(*) filter (where status = 'completed'))::int as taught,
      (count(*) filter (where status = 'tutor_no_show'))::int as no_shows,
      (count(*) filter (where status = 'cancelled'))::int as cancelled
    from classes
    where tutor_id = ${tutorId}::uuid and starts_at >= ${range.since.toISOString()}::timestamptz and starts_at < ${range.until.toISOString()}::timestamptz`)) as unknown as {
    rows: { taught: number; no_shows: number; cancelled: number }[];
  };
  const r = res.rows[0]!;
  return { taught: Number(r.taught), noShows: Number(r.no_shows), cancelled: Number(r.cancelled) };
}
