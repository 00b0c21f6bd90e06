import { desc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { supportTickets } from './support.schema';
import type { TimelineTicket } from './support.timeline.rules';

/** The person's newest tickets, at most `limit` (the user index). */
export async function ticketsForTimeline(q: Db | Tx, userId: string, limit: number): Promise<TimelineTicket[]> {
  return q
    .select({ id: supportTickets.id, ref: supportTickets.ref, areas: supportTickets.areas, status: supportTickets.status, createdAt: supportTickets.createdAt, solvedAt: supportTickets.solvedAt })
    .from(supportTickets)
    .where(eq(supportTickets.userId, userId))
    .orderBy(desc(supportTickets.createdAt))
    .limit(limit);
}
