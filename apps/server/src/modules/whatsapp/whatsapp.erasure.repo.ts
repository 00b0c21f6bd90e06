import { eq, inArray, or, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import { countInto, type ErasureCounts, type ErasureRules, mentionsAny, type UserEraser } from '../../platform/user-erasure';
import { waContacts, waDeliveries, waInbox, waLinkAttempts, waLinkCodes, waMessages } from './whatsapp.schema';

/** whatsapp's erasure rules (#20, decision 077). */
export const WHATSAPP_ERASURE_RULES: ErasureRules = {
  wa_contacts: { rule: 'erase', what: "the user's WhatsApp number, profile name and conversation state" },
  wa_messages: { rule: 'erase', what: "messages sent to the user's number, and messages to others that name the user (a guardian's about their child)" },
  wa_inbox: { rule: 'erase', what: "messages received from the user's number" },
  wa_deliveries: { rule: 'erase', what: "the provider's raw deliveries that carry the user's number" },
  wa_link_codes: { rule: 'erase', what: "link codes of the user or of their number" },
  wa_link_attempts: { rule: 'erase', what: "attempt counters keyed on the user or their number" },
};

/** whatsapp's eraser: everything sent to or received from the user's number, and the number itself. */
export function createWhatsAppErasure(deps: { db: Db }): UserEraser {
  const { db } = deps;
  return {
    module: 'whatsapp',
    async eraseFor(userId, mentions) {
      const counts: ErasureCounts = {};
      // Messages to other numbers about the user (a guardian's about their child) name them.
      if (mentions.length) {
        countInto(counts, 'wa_messages', (await db.delete(waMessages).where(mentionsAny(waMessages.body, mentions)).returning({ id: waMessages.id })).length);
        countInto(counts, 'wa_inbox', (await db.delete(waInbox).where(mentionsAny(waInbox.event, mentions)).returning({ id: waInbox.id })).length);
      }
      const numbers = (await db.select({ waId: waContacts.waId }).from(waContacts).where(eq(waContacts.userId, userId))).map((c) => c.waId);
      for (const waId of numbers) {
        countInto(counts, 'wa_messages', (await db.delete(waMessages).where(eq(waMessages.waId, waId)).returning({ id: waMessages.id })).length);
        const fromNumber = sql`position(${waId} in ${waInbox.event}::text) > 0`;
        const carried = db.select({ id: waDeliveries.id }).from(waDeliveries).where(sql`position(convert_to(${waId}, 'UTF8') in ${waDeliveries.rawBody}) > 0`);
        // An inbox row of another number may share a delivery with this one: it loses its link to the raw body.
        await db.update(waInbox).set({ deliveryId: null }).where(inArray(waInbox.deliveryId, carried));
        countInto(counts, 'wa_inbox', (await db.delete(waInbox).where(fromNumber).returning({ id: waInbox.id })).length);
        countInto(counts, 'wa_deliveries', (await db.delete(waDeliveries).where(sql`position(convert_to(${waId}, 'UTF8') in ${waDeliveries.rawBody}) > 0`).returning({ id: waDeliveries.id })).length);
        countInto(counts, 'wa_link_attempts', (await db.delete(waLinkAttempts).where(eq(waLinkAttempts.key, `wa:${waId}`)).returning({ k: waLinkAttempts.key })).length);
      }
      countInto(counts, 'wa_link_attempts', (await db.delete(waLinkAttempts).where(eq(waLinkAttempts.key, `user:${userId}`)).returning({ k: waLinkAttempts.key })).length);
      const codes = await db
        .delete(waLinkCodes)
        .where(numbers.length ? or(eq(waLinkCodes.userId, userId), inArray(waLinkCodes.waId, numbers)) : eq(waLinkCodes.userId, userId))
        .returning({ c: waLinkCodes.codeHash });
      countInto(counts, 'wa_link_codes', codes.length);
      countInto(counts, 'wa_contacts', (await db.delete(waContacts).where(eq(waContacts.userId, userId)).returning({ id: waContacts.waId })).length);
      return counts;
    },
  };
}
