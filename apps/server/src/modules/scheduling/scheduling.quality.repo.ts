import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';

/**
 * One tutor's booked lessons that start in [since, until), for the ops quality page (issue #18): booked (not a lapsed
 * hold), completed, the tutor's no-shows (alone or with the student), and cancellations by the tutor, late or not.
 */
export async function schedulingTutorQuality(q: Db | Tx, tutorId: string, range: { since: Date; until: Date }) {
  const res = (await q.execute(sql`
    select
      (count(*) filter (where outcome is distinct from 'hold_expired'))::int as booked,
      (count(*) filter (where outcome = 'completed'))::int as completed,
      (count(*) filter (where outcome in ('tutor_no_show', 'both_no_show')))::int as no_shows,
      (count(*) filter (where outcome = 'late_cancellation' and cancelled_by = tutor_id))::int as late_cancellations,
      (count(*) filter (where outcome = 'cancelled' and cancelled_by = tutor_id))::int as cancelled_by_tutor
    from bookings
    where tutor_id = ${tutorId}::uuid and starts_at >= ${range.since.toISOString()}::timestamptz and starts_at < ${range.until.toISOString()}::timestamptz`)) as unknown as {
    rows: { booked: number; completed: number; no_shows: number; late_cancellations: number; cancelled_by_tutor: number }[];
  };
  const r = res.rows[0]!;
  return { booked: Number(r.booked), completed: Number(r.completed), noShows: Number(r.no_shows), lateCancellations: Number(r.late_cancellations), cancelledByTutor: Number(r.cancelled_by_tutor) };
}
