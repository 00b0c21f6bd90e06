import type { Db, Tx } from '../../platform/db';
import * as time from '../../platform/time';
import { accountsByIds } from '../identity';
import type { Inbox, NoticeRow, Notifications } from '../notifications';
import type { ClassRow } from './classes.repo';

export type ClassNoticeKind = 'class_enrolled' | 'class_left' | 'class_cancelled' | 'class_reminder' | 'class_completed' | 'class_tutor_no_show';

const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const zoneOrUtc = (zone: string) => (time.isValidTimeZone(zone) ? zone : 'UTC');

/** "Tue 8 Dec, 18:30 (Asia/Kolkata)": a class's start on the reader's clock. */
export function whenIn(at: Date, zone: string): string {
  const z = time.instantToZoned(at, zoneOrUtc(zone));
  const [, m, d] = z.date.split('-').map(Number);
  return `${weekdays[z.weekday - 1]} ${d} ${months[m! - 1]}, ${z.time} (${zoneOrUtc(zone)})`;
}

function textOf(kind: ClassNoticeKind, title: string, when: string, extra: string): string {
  switch (kind) {
    case 'class_enrolled':
      return `You are enrolled in "${title}" on ${when}.`;
    case 'class_left':
      return `You left "${title}" on ${when}.${extra}`;
    case 'class_cancelled':
      return `"${title}" on ${when} was cancelled by the tutor.${extra}`;
    case 'class_reminder':
      return `Reminder: "${title}" starts ${extra} (${when}). The room opens 10 minutes before.`;
    case 'class_completed':
      return `"${title}" on ${when} is complete.`;
    case 'class_tutor_no_show':
      return `The tutor did not come to "${title}" on ${when}.${extra}`;
  }
}

/**
 * Tells people about a class: an in-app notice each and a message through the notification outbox, written in the
 * caller's transaction and keyed per person, so a retried job or a repeated request tells nobody twice. Each reads the
 * time on their own clock.
 */
export function createClassNotices(deps: { inbox: Inbox; notifications: Notifications }) {
  return {
    async tell(tx: Db | Tx, c: ClassRow, userIds: readonly string[], kind: ClassNoticeKind, key: string, now: Date, extra: (userId: string) => string = () => ''): Promise<NoticeRow[]> {
      if (userIds.length === 0) return [];
      const readers = await accountsByIds(tx, userIds);
      const notices = [];
      for (const r of readers) {
        const zone = zoneOrUtc(r.timeZone);
        const when = whenIn(c.startsAt, zone);
        const text = textOf(kind, c.title, when, extra(r.id));
        const data = { classId: c.id, start: c.startsAt.toISOString(), end: c.endsAt.toISOString(), timeZone: zone, whenText: when };
        const dedupeKey = `${key}:${r.id}`;
        notices.push({ userId: r.id, kind, text, data, dedupeKey });
        await deps.notifications.queue(tx, r.id, { kind, text, data }, dedupeKey);
      }
      return deps.inbox.add(tx, notices, now);
    },
  };
}
export type ClassNotices = ReturnType<typeof createClassNotices>;
