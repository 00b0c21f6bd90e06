import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { type RollupFact, rollupFactsOf } from '../../platform/rollup-facts';

/** WhatsApp's per-minute figures for the ops rollups (decision 060): messages that failed, and template fallbacks sent. */
export async function whatsappRollupFacts(q: Db | Tx, range: { since: Date; until: Date }): Promise<RollupFact[]> {
  const since = range.since.toISOString();
  const until = range.until.toISOString();
  const res = await q.execute(sql`
    select bucket, metric, dim, count(*)::int as value from (
      select date_trunc('minute', updated_at) as bucket, 'channels.wa_failed' as metric, kind as dim from wa_messages
        where status = 'failed' and updated_at >= ${since}::timestamptz and updated_at < ${until}::timestamptz
      union all
      select date_trunc('minute', created_at), 'channels.wa_template', kind from wa_messages
        where body->>'type' = 'template' and created_at >= ${since}::timestamptz and created_at < ${until}::timestamptz
    ) f group by bucket, metric, dim`);
  return rollupFactsOf(res);
}
