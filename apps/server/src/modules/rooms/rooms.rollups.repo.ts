import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { type RollupFact, rollupFactsOf } from '../../platform/rollup-facts';

const rowsOf = <T>(res: unknown) => (res as { rows: T[] }).rows;

/**
 * Sessions' and calls' figures for the minutes in [since, until): sessions started, both connected (the first time
 * both were in), ended and rated by the student, by kind; call failures and reconnects split four ways (browser, OS,
 * device class from the caller's latest diagnostics, candidate type from their latest media-connected).
 */
export async function roomsRollupFacts(q: Db | Tx, range: { since: Date; until: Date }): Promise<RollupFact[]> {
  const since = range.since.toISOString();
  const until = range.until.toISOString();
  const res = await q.execute(sql`
    with trouble as (
      select e.at, case when e.type = 'media-failed' then 'calls.failed' else 'calls.reconnect' end as metric,
        d.data->'diagnostics' as diag, m.data->>'localCandidateType' as cand
      from call_events e
      left join lateral (select data from call_events x where x.session_id = e.session_id and x.user_id is not distinct from e.user_id and x.type = 'diagnostics' and x.at <= e.at order by x.at desc limit 1) d on true
      left join lateral (select data from call_events x where x.session_id = e.session_id and x.user_id is not distinct from e.user_id and x.type = 'media-connected' and x.at <= e.at order by x.at desc limit 1) m on true
      where e.type in ('reconnecting', 'media-failed') and e.at >= ${since}::timestamptz and e.at < ${until}::timestamptz
    )
    select bucket, metric, dim, count(*)::int as value from (
      select date_trunc('minute', started_at) as bucket, 'sessions.started' as metric, kind as dim from tutoring_sessions
        where started_at >= ${since}::timestamptz and started_at < ${until}::timestamptz
      union all
      select date_trunc('minute', t.started_at), 'sessions.connected', s.kind from session_together t join tutoring_sessions s on s.id = t.session_id
        where t.started_at >= ${since}::timestamptz and t.started_at < ${until}::timestamptz
          and not exists (select 1 from session_together p where p.session_id = t.session_id and (p.started_at, p.id) < (t.started_at, t.id))
      union all
      select date_trunc('minute', ended_at), 'sessions.ended', kind from tutoring_sessions
        where ended_at >= ${since}::timestamptz and ended_at < ${until}::timestamptz
      union all
      select date_trunc('minute', r.created_at), 'sessions.rated', s.kind from session_ratings r join tutoring_sessions s on s.id = r.session_id
        where r.rater_role = 'student' and r.created_at >= ${since}::timestamptz and r.created_at < ${until}::timestamptz
      union all
      select date_trunc('minute', at), metric, '' from trouble
      union all
      select date_trunc('minute', at), metric, 'browser:' || coalesce(diag->>'browser', 'unknown') from trouble
      union all
      select date_trunc('minute', at), metric, 'os:' || coalesce(diag->>'os', 'unknown') from trouble
      union all
      select date_trunc('minute', at), metric, 'device:' || coalesce(diag->>'device', 'unknown') from trouble
      union all
      select date_trunc('minute', at), metric, 'candidate:' || coalesce(cand, 'unknown') from trouble
    ) f group by bucket, metric, dim`);
  return rollupFactsOf(res);
}

/** Sessions in progress now (small: the partial index on active sessions), by kind. */
export async function sessionsInProgressNow(q: Db | Tx): Promise<{ kind: string; count: number }[]> {
  const res = await q.execute(sql`select kind, count(*)::int as n from tutoring_sessions where status = 'active' group by kind`);
  return rowsOf<{ kind: string; n: number }>(res).map((r) => ({ kind: r.kind, count: Number(r.n) }));
}

export interface TroubledSession {
  sessionId: string;
  kind: string;
  startedAt: Date;
  failed: number;
  reconnects: number;
}

/**
 * The sessions with the most call trouble in [from, to) (the ops dashboard's "worst sessions of the day"): failures
 * weigh three reconnects. Reads only that range of call_events_trouble_idx, so its cost is the day's trouble, not history.
 */
export async function worstSessionsBetween(q: Db | Tx, range: { from: Date; to: Date }, limit: number): Promise<TroubledSession[]> {
  const res = await q.execute(sql`
    select e.session_id, s.kind, s.started_at,
      (count(*) filter (where e.type = 'media-failed'))::int as failed,
      (count(*) filter (where e.type = 'reconnecting'))::int as reconnects
    from call_events e join tutoring_sessions s on s.id = e.session_id
    where e.type in ('reconnecting', 'media-failed') and e.at >= ${range.from.toISOString()}::timestamptz and e.at < ${range.to.toISOString()}::timestamptz
    group by e.session_id, s.kind, s.started_at
    order by 3 * count(*) filter (where e.type = 'media-failed') + count(*) filter (where e.type = 'reconnecting') desc, e.session_id
    limit ${limit}`);
  return rowsOf<{ session_id: string; kind: string; started_at: Date | string; failed: number; reconnects: number }>(res).map((r) => ({
    sessionId: r.session_id,
    kind: r.kind,
    startedAt: new Date(r.started_at),
    failed: Number(r.failed),
    reconnects: Number(r.reconnects),
  }));
}
