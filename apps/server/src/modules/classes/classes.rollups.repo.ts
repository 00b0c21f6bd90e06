import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { type RollupFact, rollupFactsOf } from '../../platform/rollup-facts';

const rowsOf = <T>(res: unknown) => (res as { rows: T[] }).rows;

/**
 * Classes' figures for the minutes in [since, until), each in the minute it happened: settlements by status
 * ('completed', 'tutor_no_show') at settled_at; a taught class no learner joined ('classes.nobody_came': the room was
 * open and nobody came); cancellations at cancelled_at. settled_at and cancelled_at have partial indexes.
 */
export async function classesRollupFacts(q: Db | Tx, range: { since: Date; until: Date }): Promise<RollupFact[]> {
  const since = range.since.toISOString();
  const until = range.until.toISOString();
  const res = await q.execute(sql`
    select date_trunc('minute', settled_at) as bucket, 'classes.settled' as metric, status as dim, count(*)::int as value from classes
      where settled_at >= ${since}::timestamptz and settled_at < ${until}::timestamptz and status in ('completed', 'tutor_no_show')
      group by 1, 3
    union all
    select date_trunc('minute', c.settled_at), 'classes.nobody_came', '', count(*)::int from classes c
      where c.settled_at >= ${since}::timestamptz and c.settled_at < ${until}::timestamptz and c.status = 'completed'
        and not exists (select 1 from class_attendance a where a.class_id = c.id and a.user_id <> c.tutor_id and a.kind = 'join')
      group by 1
    union all
    select date_trunc('minute', cancelled_at), 'classes.cancelled', '', count(*)::int from classes
      where cancelled_at >= ${since}::timestamptz and cancelled_at < ${until}::timestamptz and status = 'cancelled'
      group by 1`);
  return rollupFactsOf(res);
}

/** Classes (not cancelled) starting in [from, to), and how many start after `now`: one range of classes_starts_idx. */
export async function classesStartingBetween(q: Db | Tx, range: { from: Date; to: Date; now: Date }): Promise<{ total: number; upcoming: number }> {
  const res = await q.execute(sql`
    select count(*)::int as total, (count(*) filter (where starts_at > ${range.now.toISOString()}::timestamptz))::int as upcoming from classes
      where starts_at >= ${range.from.toISOString()}::timestamptz and starts_at < ${range.to.toISOString()}::timestamptz and status <> 'cancelled'`);
  const [row] = rowsOf<{ total: number; upcoming: number }>(res);
  return { total: Number(row?.total ?? 0), upcoming: Number(row?.upcoming ?? 0) };
}

export interface DayClass {
  id: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  tutorId: string;
  status: string;
  enrolled: number;
  /** Learners who joined the room at least once. */
  attended: number;
}

/** The classes starting in [from, to), cancelled ones included (ops' list behind the tile), by start. */
export async function classesOfDay(q: Db | Tx, range: { from: Date; to: Date }, limit: number): Promise<DayClass[]> {
  const res = await q.execute(sql`
    select c.id, c.title, c.starts_at, c.ends_at, c.tutor_id, c.status, c.enrolled_count,
      (select count(distinct a.user_id)::int from class_attendance a where a.class_id = c.id and a.user_id <> c.tutor_id and a.kind = 'join') as attended
    from classes c
    where c.starts_at >= ${range.from.toISOString()}::timestamptz and c.starts_at < ${range.to.toISOString()}::timestamptz
    order by c.starts_at, c.id limit ${limit}`);
  return rowsOf<{ id: string; title: string; starts_at: Date | string; ends_at: Date | string; tutor_id: string; status: string; enrolled_count: number; attended: number }>(res).map((r) => ({
    id: r.id,
    title: r.title,
    startsAt: new Date(r.starts_at),
    endsAt: new Date(r.ends_at),
    tutorId: r.tutor_id,
    status: r.status,
    enrolled: Number(r.enrolled_count),
    attended: Number(r.attended),
  }));
}
