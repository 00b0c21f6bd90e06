import { desc, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { waContacts, waMessages } from './whatsapp.schema';

/** A WhatsApp message Tutorline sent a person, as support's timeline shows it (#18). */
export interface SupportMessage {
  id: string;
  kind: string;
  status: string;
  /** Why a failed message failed (the provider's title or message, and its code), one bounded line. */
  reason: string | null;
  createdAt: Date;
}

const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : null);
function reasonOf(status: string, error: Record<string, unknown> | null): string | null {
  if (status !== 'failed' || !error) return null;
  const words = text(error.title) ?? text(error.message);
  const code = text(error.code);
  const line = [words, code ? `(code ${code})` : null].filter(Boolean).join(' ').replace(/\s+/g, ' ');
  return line ? line.slice(0, 160) : null;
}

/** The newest WhatsApp messages sent to the numbers linked to a person. */
export async function messagesSentToUser(q: Db | Tx, userId: string, limit: number): Promise<SupportMessage[]> {
  const numbers = (await q.select({ waId: waContacts.waId }).from(waContacts).where(eq(waContacts.userId, userId))).map((r) => r.waId);
  if (!numbers.length) return [];
  const rows = await q
    .select({ id: waMessages.id, kind: waMessages.kind, status: waMessages.status, error: waMessages.error, createdAt: waMessages.createdAt })
    .from(waMessages)
    .where(inArray(waMessages.waId, numbers))
    .orderBy(desc(waMessages.createdAt))
    .limit(limit);
  return rows.map(({ error, ...m }) => ({ ...m, reason: reasonOf(m.status, error) }));
}
