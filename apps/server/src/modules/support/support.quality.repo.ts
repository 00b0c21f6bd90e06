import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';

/** Tickets reported about these sessions (the ops quality page's complaints, issue #18): all, and those not solved. */
export async function ticketsAboutSessions(q: Db | Tx, sessionIds: readonly string[]): Promise<{ tickets: number; open: number }> {
  if (!sessionIds.length) return { tickets: 0, open: 0 };
  const res = (await q.execute(sql`
    select count(*)::int as tickets, (count(*) filter (where status <> 'solved'))::int as open from support_tickets
    where session_id = any(${sql.param([...sessionIds])}::uuid[])`)) as unknown as { rows: { tickets: number; open: number }[] };
  const r = res.rows[0]!;
  return { tickets: Number(r.tickets), open: Number(r.open) };
}
