import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { type RollupFact, rollupFactsOf } from '../../platform/rollup-facts';

/**
 * Money's per-minute figures for the ops rollups (decision 060), by currency, in minor units: revenue paid, refunds
 * settled; and webhooks rejected (a count, by provider). Finance and admins only see them (the ops routes check).
 */
export async function billingRollupFacts(q: Db | Tx, range: { since: Date; until: Date }): Promise<RollupFact[]> {
  const since = range.since.toISOString();
  const until = range.until.toISOString();
  const res = await q.execute(sql`
    select bucket, metric, dim, sum(value)::bigint as value from (
      select date_trunc('minute', paid_at) as bucket, 'money.revenue' as metric, currency as dim, amount_minor::bigint as value from payments
        where paid_at >= ${since}::timestamptz and paid_at < ${until}::timestamptz
      union all
      select date_trunc('minute', settled_at), 'money.refunds', currency, amount_minor from refunds
        where status = 'succeeded' and settled_at >= ${since}::timestamptz and settled_at < ${until}::timestamptz
      union all
      select date_trunc('minute', processed_at), 'money.webhook_rejected', provider, 1 from provider_events
        where outcome like 'rejected:%' and processed_at >= ${since}::timestamptz and processed_at < ${until}::timestamptz
    ) f group by bucket, metric, dim`);
  return rollupFactsOf(res);
}
