import { desc, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { waContacts, waMessages } from './whatsapp.schema';

/** A WhatsApp message Tutorline sent a person, as support's timeline shows it (#18). */
export interface SupportMessage {
  id: string;
  kind: string;
  status: string;
  createdAt: Date;
}

/** The newest WhatsApp messages sent to the numbers linked to a person. */
export async function messagesSentToUser(q: Db | Tx, userId: string, limit: number): Promise<SupportMessage[]> {
  const numbers = (await q.select({ waId: waContacts.waId }).from(waContacts).where(eq(waContacts.userId, userId))).map((r) => r.waId);
  if (!numbers.length) return [];
  return q.select({ id: waMessages.id, kind: waMessages.kind, status: waMessages.status, createdAt: waMessages.createdAt }).from(waMessages).where(inArray(waMessages.waId, numbers)).orderBy(desc(waMessages.createdAt)).limit(limit);
}
