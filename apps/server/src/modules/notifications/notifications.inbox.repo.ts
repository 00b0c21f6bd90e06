import { and, desc, eq, isNull, lte, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { userNotifications } from './notifications.schema';

/** The queries of the in-app notices (user_notifications); notifications.inbox.ts decides, this reads and writes (#14). */
export type NoticeRow = typeof userNotifications.$inferSelect;
export type NoticeInsert = Omit<typeof userNotifications.$inferInsert, 'id' | 'readAt'>;

/** Stores the notices, skipping ones already stored under the same dedupe key; returns the new rows. */
export async function insertNotices(tx: Db | Tx, rows: NoticeInsert[]): Promise<NoticeRow[]> {
  if (!rows.length) return [];
  return tx.insert(userNotifications).values(rows).onConflictDoNothing({ target: userNotifications.dedupeKey }).returning();
}

/** The user's latest notices (newest first, at most `limit`) and how many are unread. */
export async function latestNotices(db: Db, userId: string, limit: number): Promise<{ rows: NoticeRow[]; unread: number }> {
  const rows = await db.select().from(userNotifications).where(eq(userNotifications.userId, userId)).orderBy(desc(userNotifications.id)).limit(limit);
  const [count] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(userNotifications)
    .where(and(eq(userNotifications.userId, userId), isNull(userNotifications.readAt)));
  return { rows, unread: count?.n ?? 0 };
}

/** Marks the user's unread notices with id ≤ upTo as read; returns how many changed. */
export async function markNoticesRead(db: Db, userId: string, upTo: number, now: Date): Promise<number> {
  const rows = await db
    .update(userNotifications)
    .set({ readAt: now })
    .where(and(eq(userNotifications.userId, userId), lte(userNotifications.id, upTo), isNull(userNotifications.readAt)))
    .returning({ id: userNotifications.id });
  return rows.length;
}
