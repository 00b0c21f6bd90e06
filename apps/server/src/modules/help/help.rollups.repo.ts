import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { type RollupFact, rollupFactsOf } from '../../platform/rollup-facts';
import { tutorProfilesOf, tutorSubjectsOf } from '../identity';
import { tutorsInSession } from '../rooms';

/** Upper bounds (seconds) of the time-to-claim histogram the rollups keep: percentiles over any range add these up. */
export const CLAIM_SECONDS_BOUNDS = [5, 10, 20, 30, 60, 120, 300, 600, 1800] as const;

const rowsOf = <T>(res: unknown) => (res as { rows: T[] }).rows;

/**
 * Instant help's figures for the minutes in [since, until), by subject: asked, claimed (with the claim-time histogram),
 * expired, cancelled, answered and rated, each counted at the minute it happened. Reads only rows in the range (indexes).
 */
export async function helpRollupFacts(q: Db | Tx, range: { since: Date; until: Date }): Promise<RollupFact[]> {
  const since = range.since.toISOString();
  const until = range.until.toISOString();
  const bounds = sql.raw(`array[${CLAIM_SECONDS_BOUNDS.join(',')}]`);
  const res = await q.execute(sql`
    select bucket, metric, dim, count(*)::int as value from (
      select date_trunc('minute', created_at) as bucket, 'help.asked' as metric, subject_id as dim from questions
        where created_at >= ${since}::timestamptz and created_at < ${until}::timestamptz
      union all
      select date_trunc('minute', claimed_at), 'help.claimed', subject_id from questions
        where claimed_at >= ${since}::timestamptz and claimed_at < ${until}::timestamptz
      union all
      select date_trunc('minute', claimed_at), 'help.claim_seconds',
          coalesce((select 'le:' || b from unnest(${bounds}) b where extract(epoch from claimed_at - created_at) <= b order by b limit 1), 'le:inf')
        from questions where claimed_at >= ${since}::timestamptz and claimed_at < ${until}::timestamptz
      union all
      select date_trunc('minute', closed_at), 'help.' || status::text, subject_id from questions
        where status in ('expired', 'cancelled') and closed_at >= ${since}::timestamptz and closed_at < ${until}::timestamptz
      union all
      select date_trunc('minute', answered_at), 'help.answered', subject_id from questions
        where answered_at >= ${since}::timestamptz and answered_at < ${until}::timestamptz
      union all
      select date_trunc('minute', rated_at), 'help.rated', subject_id from questions
        where rated_at >= ${since}::timestamptz and rated_at < ${until}::timestamptz
    ) f group by bucket, metric, dim`);
  return rollupFactsOf(res);
}

/** The open questions now (small: the partial index on open), each with its subject, when it was asked and its wave. */
export async function openQuestionsNow(q: Db | Tx, limit = 200): Promise<{ id: string; subjectId: string; askedAt: Date; wave: number }[]> {
  const res = await q.execute(sql`select id, subject_id, created_at, wave from questions where status = 'open' order by created_at limit ${limit}`);
  return rowsOf<{ id: string; subject_id: string; created_at: Date | string; wave: number }>(res).map((r) => ({ id: r.id, subjectId: r.subject_id, askedAt: new Date(r.created_at), wave: Number(r.wave) }));
}

/** How many tutors have instant help switched on now. */
export async function tutorsOnlineNow(q: Db | Tx): Promise<number> {
  const res = await q.execute(sql`select count(*)::int as n from tutor_help_stats where online`);
  return Number(rowsOf<{ n: number }>(res)[0]?.n ?? 0);
}

/**
 * Per subject, the approved tutors with instant help switched on now and those of them not in a session (free): the
 * supply the dashboard sets against the open questions (#18). Bounded by who is online, never by history: this
 * module's switch, then identity's approvals and subjects and rooms' open sessions, batch reads by id.
 */
export async function tutorsPerSubjectNow(q: Db | Tx): Promise<{ subjectId: string; online: number; free: number }[]> {
  const ids = rowsOf<{ tutor_id: string }>(await q.execute(sql`select tutor_id from tutor_help_stats where online`)).map((r) => r.tutor_id);
  if (!ids.length) return [];
  const approved = (await tutorProfilesOf(q, ids)).filter((p) => p.approvalStatus === 'approved').map((p) => p.userId);
  if (!approved.length) return [];
  const [teaches, busy] = await Promise.all([tutorSubjectsOf(q, approved), tutorsInSession(q, approved)]);
  const by = new Map<string, { online: Set<string>; free: Set<string> }>();
  for (const t of teaches) {
    const e = by.get(t.subjectId) ?? by.set(t.subjectId, { online: new Set(), free: new Set() }).get(t.subjectId)!;
    e.online.add(t.tutorId);
    if (!busy.has(t.tutorId)) e.free.add(t.tutorId);
  }
  return [...by].map(([subjectId, e]) => ({ subjectId, online: e.online.size, free: e.free.size })).sort((a, b) => a.subjectId.localeCompare(b.subjectId));
}
