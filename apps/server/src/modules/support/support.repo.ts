import { and, count, desc, eq, inArray, isNull, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { supportTicketMessages, supportTickets } from './support.schema';

export type TicketRow = typeof supportTickets.$inferSelect;
export type NewTicketRow = typeof supportTickets.$inferInsert;
export type TicketMessageRow = typeof supportTicketMessages.$inferSelect;

/** The only code that touches support's tables. */
export function createSupportRepo(db: Db) {
  return {
    transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      return db.transaction(fn);
    },

    async insertTicket(tx: Db | Tx, row: NewTicketRow): Promise<TicketRow> {
      const [created] = await tx.insert(supportTickets).values(row).returning();
      return created!;
    },

    async find(id: string, q: Db | Tx = db): Promise<TicketRow | undefined> {
      const [row] = await q.select().from(supportTickets).where(eq(supportTickets.id, id));
      return row;
    },

    /** The row, locked for the rest of the transaction (two support users answering at once see each other's change). */
    async lock(tx: Tx, id: string): Promise<TicketRow | undefined> {
      const [row] = await tx.select().from(supportTickets).where(eq(supportTickets.id, id)).for('update');
      return row;
    },

    async update(tx: Tx, id: string, values: Partial<Pick<TicketRow, 'status' | 'assigneeId' | 'updatedAt' | 'solvedAt'>>): Promise<TicketRow> {
      const [row] = await tx.update(supportTickets).set(values).where(eq(supportTickets.id, id)).returning();
      return row!;
    },

    async addMessage(tx: Db | Tx, row: typeof supportTicketMessages.$inferInsert): Promise<TicketMessageRow> {
      const [created] = await tx.insert(supportTicketMessages).values(row).returning();
      return created!;
    },

    async messagesOf(ticketId: string, includeNotes: boolean): Promise<TicketMessageRow[]> {
      const where = includeNotes ? eq(supportTicketMessages.ticketId, ticketId) : and(eq(supportTicketMessages.ticketId, ticketId), inArray(supportTicketMessages.kind, ['user', 'reply']));
      return db.select().from(supportTicketMessages).where(where).orderBy(supportTicketMessages.id);
    },

    async ofUser(userId: string, limit: number): Promise<TicketRow[]> {
      return db.select().from(supportTickets).where(eq(supportTickets.userId, userId)).orderBy(desc(supportTickets.createdAt)).limit(limit);
    },

    /** The queue: newest activity first, filtered by status and holder. */
    async queue(q: { status?: TicketRow['status'] | undefined; assigneeId?: string | null | undefined; limit: number; offset: number }) {
      const parts: SQL[] = [];
      if (q.status) parts.push(eq(supportTickets.status, q.status));
      if (q.assigneeId === null) parts.push(isNull(supportTickets.assigneeId));
      else if (q.assigneeId) parts.push(eq(supportTickets.assigneeId, q.assigneeId));
      const rows = await db
        .select()
        .from(supportTickets)
        .where(parts.length ? and(...parts) : undefined)
        .orderBy(desc(supportTickets.updatedAt), desc(supportTickets.id))
        .limit(q.limit)
        .offset(q.offset);
      const counts = rows.length
        ? await db
            .select({ ticketId: supportTicketMessages.ticketId, n: count() })
            .from(supportTicketMessages)
            .where(and(inArray(supportTicketMessages.ticketId, rows.map((r) => r.id)), inArray(supportTicketMessages.kind, ['user', 'reply'])))
            .groupBy(supportTicketMessages.ticketId)
        : [];
      const byId = new Map(counts.map((c) => [c.ticketId, Number(c.n)]));
      return rows.map((row) => ({ row, messageCount: byId.get(row.id) ?? 0 }));
    },
  };
}
export type SupportRepo = ReturnType<typeof createSupportRepo>;
