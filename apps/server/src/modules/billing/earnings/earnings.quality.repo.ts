import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../../../platform/db';

/**
 * What a tutor earned in [since, until), per currency, from the ledger only (decision 037): every posting on their
 * payable account except payouts and their reversals (earnings, their reversals and the refunds that took some back), by when it was
 * posted. For the ops quality page, shown to finance and admins only (issue #18).
 */
export async function tutorEarningsBetween(q: Db | Tx, tutorId: string, range: { since: Date; until: Date }): Promise<{ currency: string; amountMinor: number }[]> {
  const res = (await q.execute(sql`
    select e.currency, sum(e.amount_minor)::bigint as total
    from ledger_entries e
      join ledger_accounts a on a.id = e.account_id
      join ledger_transactions t on t.id = e.transaction_id
    where a.code = ${`tutor_payable:${tutorId}`} and t.kind not in ('payout', 'payout_paid')
      and not exists (select 1 from ledger_transactions o where o.id = t.reverses_id and o.kind in ('payout', 'payout_paid'))
      and t.occurred_at >= ${range.since.toISOString()}::timestamptz and t.occurred_at < ${range.until.toISOString()}::timestamptz
    group by e.currency order by e.currency`)) as unknown as { rows: { currency: string; total: string | number }[] };
  return res.rows.map((r) => ({ currency: r.currency, amountMinor: 0 - Number(r.total) || 0 }));
}
