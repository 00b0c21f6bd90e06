import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { type RollupFact, rollupFactsOf } from '../../platform/rollup-facts';

const rowsOf = <T>(res: unknown) => (res as { rows: T[] }).rows;

/**
 * Lessons' figures for the minutes in [since, until), each in the minute it happened: settlements by outcome
 * ('completed', 'tutor_no_show', 'student_no_show', 'both_no_show': the room was there and nobody came) at settled_at,
 * and late cancellations at cancelled_at. Both columns have partial indexes, so a run reads only its window.
 */
export async function lessonsRollupFacts(q: Db | Tx, range: { since: Date; until: Date }): Promise<RollupFact[]> {
  const since = range.since.toISOString();
  const until = range.until.toISOString();
  const res = await q.execute(sql`
    select date_trunc('minute', settled_at) as bucket, 'lessons.settled' as metric, outcome as dim, count(*)::int as value from bookings
      where settled_at >= ${since}::timestamptz and settled_at < ${until}::timestamptz and outcome is not null
      group by 1, 3
    union all
    select date_trunc('minute', cancelled_at), 'lessons.late_cancel', '', count(*)::int from bookings
      where cancelled_at >= ${since}::timestamptz and cancelled_at < ${until}::timestamptz and outcome = 'late_cancellation'
      group by 1`);
  return rollupFactsOf(res);
}

/** Lessons (confirmed, taught or missed) starting in [from, to), and how many of them start after `now`: one index range. */
export async function lessonsStartingBetween(q: Db | Tx, range: { from: Date; to: Date; now: Date }): Promise<{ total: number; upcoming: number }> {
  const res = await q.execute(sql`
    select count(*)::int as total, (count(*) filter (where starts_at > ${range.now.toISOString()}::timestamptz))::int as upcoming from bookings
      where starts_at >= ${range.from.toISOString()}::timestamptz and starts_at < ${range.to.toISOString()}::timestamptz
        and status in ('confirmed', 'completed', 'no_show')`);
  const [row] = rowsOf<{ total: number; upcoming: number }>(res);
  return { total: Number(row?.total ?? 0), upcoming: Number(row?.upcoming ?? 0) };
}

export interface DayLesson {
  id: string;
  startsAt: Date;
  endsAt: Date;
  tutorId: string;
  studentId: string;
  status: string;
  outcome: string | null;
  subjectId: string | null;
}

/** The lessons starting in [from, to) that were not just holds, cancellations included (ops' list behind the tile), by start. */
export async function lessonsOfDay(q: Db | Tx, range: { from: Date; to: Date }, limit: number): Promise<DayLesson[]> {
  const res = await q.execute(sql`
    select id, starts_at, ends_at, tutor_id, student_id, status, outcome, subject_id from bookings
      where starts_at >= ${range.from.toISOString()}::timestamptz and starts_at < ${range.to.toISOString()}::timestamptz
        and status <> 'held' and coalesce(outcome, '') not in ('hold_expired', 'rescheduled')
      order by starts_at, id limit ${limit}`);
  return rowsOf<{ id: string; starts_at: Date | string; ends_at: Date | string; tutor_id: string; student_id: string; status: string; outcome: string | null; subject_id: string | null }>(res).map((r) => ({
    id: r.id,
    startsAt: new Date(r.starts_at),
    endsAt: new Date(r.ends_at),
    tutorId: r.tutor_id,
    studentId: r.student_id,
    status: r.status,
    outcome: r.outcome,
    subjectId: r.subject_id,
  }));
}
