import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import type { UserExportSource } from '../../platform/user-export';
import { waContacts, waMessages } from './whatsapp.schema';

/**
 * whatsapp's share of a user's export (#20): the numbers linked to them and the messages we sent those numbers.
 * Inbound messages are kept only as provider events until processed, so what they sent lives in the modules that
 * acted on it (a question's text and photo).
 */
export function createWhatsAppExport(db: Db): UserExportSource {
  return {
    module: 'whatsapp',
    async exportFor(userId) {
      const contacts = await db.select().from(waContacts).where(eq(waContacts.userId, userId));
      const numbers = contacts.map((c) => c.waId);
      const sent = numbers.length ? await db.select().from(waMessages).where(inArray(waMessages.waId, numbers)).orderBy(asc(waMessages.createdAt)) : [];
      const json = {
        messages: {
          numbers: contacts.map((c) => ({ waId: c.waId, profileName: c.profileName, lastInboundAt: c.lastInboundAt })),
          sent: sent.map((m) => ({ to: m.waId, kind: m.kind, body: m.body, status: m.status, createdAt: m.createdAt })),
        },
      };
      return { json, files: [] };
    },
  };
}
