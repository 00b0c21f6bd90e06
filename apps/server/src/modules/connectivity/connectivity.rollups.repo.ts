import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { type RollupFact, rollupFactsOf } from '../../platform/rollup-facts';

/**
 * The /check reports of the minutes in [since, until) for the ops dashboard (#18): one `checks.reports` figure per
 * minute, split `network:<path>|<overall>` and `device:<class>|<overall>`. The path is the best way a call could go
 * from that network: `direct` (STUN saw a public address), `relay-udp`, `relay-tcp` (TURN only), `blocked` (nothing
 * passed) or `untested` (the site offers none of them). Reads only the range (the created_at index).
 */
export async function connectivityRollupFacts(q: Db | Tx, range: { since: Date; until: Date }): Promise<RollupFact[]> {
  const res = await q.execute(sql`
    select date_trunc('minute', r.created_at) as bucket, 'checks.reports' as metric, s.split || '|' || r.overall as dim, count(*)::int as value
    from (
      select created_at, overall::text as overall,
        case
          when results->'stun'->>'status' = 'pass' then 'direct'
          when results->'turnUdp'->>'status' = 'pass' then 'relay-udp'
          when results->'turnTcp'->>'status' = 'pass' then 'relay-tcp'
          when coalesce(results->'stun'->>'status', 'skipped') = 'skipped' and coalesce(results->'turnUdp'->>'status', 'skipped') = 'skipped'
            and coalesce(results->'turnTcp'->>'status', 'skipped') = 'skipped' then 'untested'
          else 'blocked'
        end as network,
        coalesce(results->'diagnostics'->>'device', 'unknown') as device
      from connectivity_reports
      where created_at >= ${range.since.toISOString()}::timestamptz and created_at < ${range.until.toISOString()}::timestamptz
    ) r
    cross join lateral (values ('network:' || r.network), ('device:' || r.device)) s(split)
    group by 1, 2, 3`);
  return rollupFactsOf(res);
}
