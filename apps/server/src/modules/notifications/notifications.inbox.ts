import type { NoticeView, NoticesView } from '@tutorline/contracts';
// eslint-disable-next-line no-restricted-imports -- TODO(#14): table ownership; being moved behind the owner's index.ts
import { and, desc, eq, isNull, lte, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
// eslint-disable-next-line no-restricted-imports -- TODO(#14): table ownership; being moved behind the owner's index.ts
import { userNotifications } from './notifications.schema';
import type { Logger } from '../../platform/logger';

export interface NewNotice {
  userId: string;
  kind: string;
  text: string;
  data?: Record<string, unknown>;
  /** The same logical notice is stored once (a retried job, a repeated request). */
  dedupeKey: string;
}

export type NoticeRow = typeof userNotifications.$inferSelect;

export function noticeView(r: NoticeRow): NoticeView {
  return { id: r.id, kind: r.kind, text: r.text, data: r.data, createdAt: r.createdAt.toISOString(), readAt: r.readAt?.toISOString() ?? null };
}

/** How many notices one list shows. */
const LIST_LIMIT = 100;

/**
 * In-app notices (user_notifications): written in the transaction of the change they tell about, then pushed to the
 * user's open apps after the commit. `push` is the realtime fan-out (absent in tests that need none).
 */
export function createInbox(deps: { db: Db; logger: Logger; push?: (userId: string, notice: NoticeView) => void }) {
  const { db } = deps;
  return {
    /** Stores notices (skipping ones already stored under the same key); returns the new rows, to push after commit. */
    async add(tx: Db | Tx, notices: NewNotice[], now: Date): Promise<NoticeRow[]> {
      if (!notices.length) return [];
      return tx
        .insert(userNotifications)
        .values(notices.map((n) => ({ userId: n.userId, kind: n.kind, text: n.text, data: n.data ?? {}, dedupeKey: n.dedupeKey, createdAt: now })))
        .onConflictDoNothing({ target: userNotifications.dedupeKey })
        .returning();
    },

    /** After the commit: tell the users' open apps. */
    push(rows: NoticeRow[]) {
      if (!deps.push) return;
      for (const r of rows) deps.push(r.userId, noticeView(r));
    },

    async list(userId: string): Promise<NoticesView> {
      const rows = await db.select().from(userNotifications).where(eq(userNotifications.userId, userId)).orderBy(desc(userNotifications.id)).limit(LIST_LIMIT);
      const [count] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(userNotifications)
        .where(and(eq(userNotifications.userId, userId), isNull(userNotifications.readAt)));
      return { notices: rows.map(noticeView), unread: count?.n ?? 0 };
    },

    /** Marks the user's notices with id ≤ upTo as read; returns how many changed. */
    async markRead(userId: string, upTo: number, now: Date): Promise<number> {
      const rows = await db
        .update(userNotifications)
        .set({ readAt: now })
        .where(and(eq(userNotifications.userId, userId), lte(userNotifications.id, upTo), isNull(userNotifications.readAt)))
        .returning({ id: userNotifications.id });
      if (rows.length) deps.logger.info({ event: 'notices_read', userId, upTo, count: rows.length }, 'notices marked read');
      return rows.length;
    },
  };
}
export type Inbox = ReturnType<typeof createInbox>;
