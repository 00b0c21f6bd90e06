import type { NoticeView, NoticesView } from '@tutorline/contracts';
import type { Db, Tx } from '../../platform/db';
import { insertNotices, latestNotices, markNoticesRead, type NoticeRow } from './notifications.inbox.repo';
import { inAppOff } from './notifications.push.repo';
import type { Logger } from '../../platform/logger';

export interface NewNotice {
  userId: string;
  kind: string;
  text: string;
  data?: Record<string, unknown>;
  /** The same logical notice is stored once (a retried job, a repeated request). */
  dedupeKey: string;
}

export type { NoticeRow };

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
    /**
     * Stores notices (skipping ones already stored under the same key, and users who turned in-app notices off, #21);
     * returns the new rows, to push after commit.
     */
    async add(tx: Db | Tx, all: NewNotice[], now: Date): Promise<NoticeRow[]> {
      const off = await inAppOff(tx, [...new Set(all.map((n) => n.userId))]);
      const notices = off.size ? all.filter((n) => !off.has(n.userId)) : all;
      return insertNotices(tx, notices.map((n) => ({ userId: n.userId, kind: n.kind, text: n.text, data: n.data ?? {}, dedupeKey: n.dedupeKey, createdAt: now })));
    },

    /** After the commit: tell the users' open apps. */
    push(rows: NoticeRow[]) {
      if (!deps.push) return;
      for (const r of rows) deps.push(r.userId, noticeView(r));
    },

    async list(userId: string): Promise<NoticesView> {
      const { rows, unread } = await latestNotices(db, userId, LIST_LIMIT);
      return { notices: rows.map(noticeView), unread };
    },

    /** Marks the user's notices with id ≤ upTo as read; returns how many changed. */
    async markRead(userId: string, upTo: number, now: Date): Promise<number> {
      const count = await markNoticesRead(db, userId, upTo, now);
      if (count) deps.logger.info({ event: 'notices_read', userId, upTo, count }, 'notices marked read');
      return count;
    },
  };
}
export type Inbox = ReturnType<typeof createInbox>;
