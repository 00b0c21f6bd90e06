import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import { countInto, type ErasureCounts, type ErasureRules, type UserEraser } from '../../platform/user-erasure';
import { supportTicketMessages, supportTickets } from './support.schema';

/** support's erasure rules (#20, decision 077). */
export const SUPPORT_ERASURE_RULES: ErasureRules = {
  support_tickets: { rule: 'erase', what: "the user's tickets (description, device, network, diagnostics)" },
  support_ticket_messages: { rule: 'erase', what: "the messages of the user's tickets" },
};

export function createSupportErasure(deps: { db: Db }): UserEraser {
  const { db } = deps;
  return {
    module: 'support',
    async eraseFor(userId) {
      const counts: ErasureCounts = {};
      const mine = db.select({ id: supportTickets.id }).from(supportTickets).where(eq(supportTickets.userId, userId));
      countInto(counts, 'support_ticket_messages', (await db.delete(supportTicketMessages).where(inArray(supportTicketMessages.ticketId, mine)).returning({ id: supportTicketMessages.id })).length);
      countInto(counts, 'support_tickets', (await db.delete(supportTickets).where(eq(supportTickets.userId, userId)).returning({ id: supportTickets.id })).length);
      return counts;
    },
  };
}
