import type { Db, Tx } from '../../platform/db';
import { z } from 'zod';
import { defineJob } from '../../platform/jobs';
import type { Logger } from '../../platform/logger';
import * as time from '../../platform/time';
import type { Inbox, NoticeRow, Notifications } from '../notifications';
import { type BookingEvent, formatWhen, type NoticeMoney, noticeText, type ReminderKind, reminderIsStale, reminderKey, reminderPlan } from './scheduling.lifecycle.rules';
import type { BookingRow, SchedulingRepo } from './scheduling.repo';

export const REMINDER_QUEUE = defineJob(
  'scheduling.reminder',
  z.object({
    bookingId: z.string(),
    kind: z.enum(['24h', '15m'] satisfies ReminderKind[]),
    /** The start the reminder was planned for; a moved lesson's old reminders then do nothing. */
    start: z.string(),
  }),
);
export type ReminderPayload = z.infer<typeof REMINDER_QUEUE.schema>;

export interface TellOptions {
  /** Who caused it (cancelled or moved it); null for the system. */
  by?: string | null;
  late?: boolean;
  /** For a reschedule: the booking it replaced. */
  previous?: BookingRow;
  reminder?: ReminderKind;
  /** For a series cancellation: how many lessons. */
  count?: number;
  /** For a cancelled paid lesson: what happens to the money. */
  money?: NoticeMoney;
}

const zoneOrUtc = (zone: string) => (time.isValidTimeZone(zone) ? zone : 'UTC');

/**
 * Tells both parties of a booking what happened: an in-app notice each (user_notifications) and a message through the
 * notification outbox (WhatsApp when linked), both written in the caller's transaction and keyed by `eventKey`, so a
 * repeated request or a retried job tells nobody twice. Each person reads the time on their own clock, zone named.
 */
export function createBookingNotices(deps: { repo: SchedulingRepo; inbox: Inbox; notifications: Notifications; logger: Logger }) {
  const { repo, inbox, notifications } = deps;

  async function tell(tx: Db | Tx, b: BookingRow, event: BookingEvent, eventKey: string, now: Date, opts: TellOptions = {}): Promise<NoticeRow[]> {
    const p = await repo.parties(tx, b);
    const readers = [
      { as: 'student' as const, me: p.student, other: p.tutor },
      { as: 'tutor' as const, me: p.tutor, other: p.student },
    ];
    const notices = [];
    for (const { as, me, other } of readers) {
      const zone = zoneOrUtc(me.timeZone);
      const when = formatWhen(time.instantToZoned(b.startsAt, zone), zone);
      const previously = opts.previous ? formatWhen(time.instantToZoned(opts.previous.startsAt, zone), zone) : undefined;
      const text = noticeText({
        event,
        as,
        otherName: other.name,
        when,
        ...(previously ? { previously } : {}),
        byReader: opts.by === me.id,
        late: opts.late ?? false,
        ...(opts.reminder ? { reminder: opts.reminder } : {}),
        ...(opts.count !== undefined ? { count: opts.count } : {}),
        ...(opts.money ? { money: opts.money } : {}),
      });
      // The times as written in `text` (whenText, previousText), so the app can show them on the reader's own
      // locale's clock (12- or 24-hour) in place of the server's wording.
      const data = {
        bookingId: b.id,
        start: b.startsAt.toISOString(),
        end: b.endsAt.toISOString(),
        timeZone: zone,
        whenText: when,
        ...(opts.previous && previously ? { previousStart: opts.previous.startsAt.toISOString(), previousText: previously } : {}),
        ...(b.seriesId ? { seriesId: b.seriesId } : {}),
      };
      const key = `${eventKey}:${me.id}`;
      notices.push({ userId: me.id, kind: event, text, data, dedupeKey: key });
      await notifications.queue(tx, me.id, { kind: event, text, data }, key);
    }
    return inbox.add(tx, notices, now);
  }

  return {
    tell,

    /** Queues the 24-hour and 15-minute reminders still ahead of `now`, in the caller's transaction. */
    async scheduleReminders(tx: Db | Tx, b: BookingRow, now: Date) {
      for (const r of reminderPlan(b.startsAt, now)) {
        await REMINDER_QUEUE.enqueue(tx, { bookingId: b.id, kind: r.kind, start: b.startsAt.toISOString() }, { now, runAt: r.runAt, dedupeKey: reminderKey(b.id, r.kind, b.startsAt) });
      }
    },

    /** The reminder job: tells both parties, unless the lesson was cancelled or moved since. */
    async remind(db: Db, payload: ReminderPayload, now: Date): Promise<void> {
      if (reminderIsStale(payload.kind, new Date(payload.start), now)) {
        deps.logger.info({ event: 'booking_reminder_skipped', bookingId: payload.bookingId, kind: payload.kind, reason: 'stale' }, 'reminder too late to be useful skipped');
        return;
      }
      const rows = await db.transaction(async (tx) => {
        const b = await repo.findById(payload.bookingId, tx);
        if (!b || b.status !== 'confirmed' || b.startsAt.toISOString() !== payload.start) return null;
        return tell(tx, b, 'booking_reminder', reminderKey(b.id, payload.kind, b.startsAt), now, { reminder: payload.kind });
      });
      if (!rows) {
        deps.logger.info({ event: 'booking_reminder_skipped', bookingId: payload.bookingId, kind: payload.kind, reason: 'cancelled_or_moved' }, 'reminder for a cancelled or moved lesson skipped');
        return;
      }
      inbox.push(rows);
      deps.logger.info({ event: 'booking_reminder_sent', bookingId: payload.bookingId, kind: payload.kind }, 'lesson reminder sent');
    },
  };
}
export type BookingNotices = ReturnType<typeof createBookingNotices>;
