import { createHash, randomBytes } from 'node:crypto';
import ical, { ICalAlarmType, ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import type { Clock } from '../../platform/clock';
import { notFound } from '../../platform/errors';
import type { Logger } from '../../platform/logger';
import type { AuthUser } from '../identity';
import { icsSequence } from './scheduling.lifecycle.rules';
import type { BookingRow, SchedulingRepo } from './scheduling.repo';

const DAY_MS = 86_400_000;
/** The personal feed covers this window around now. */
export const FEED_PAST_DAYS = 30;
export const FEED_FUTURE_DAYS = 180;
/** Calendar apps remind this long before a lesson. */
const ALARM_SECONDS = 15 * 60;

export interface CalendarEntry {
  /** Stable across reschedules: the first booking's id. */
  uid: string;
  sequence: number;
  start: Date;
  end: Date;
  cancelled: boolean;
  summary: string;
  description: string;
  url: string;
  /** When this version of the event was made (DTSTAMP). */
  stamp: Date;
}

/** iCalendar text for lessons: UTC DTSTART/DTEND, a stable UID, SEQUENCE and STATUS, and a display alarm 15 minutes before. */
export function renderCalendar(name: string, entries: CalendarEntry[]): string {
  const cal = ical({ name, prodId: { company: 'Tutorline', product: 'lessons', language: 'EN' }, method: ICalCalendarMethod.PUBLISH });
  for (const e of entries) {
    cal.createEvent({
      id: `${e.uid}@tutorline`,
      sequence: e.sequence,
      start: e.start,
      end: e.end,
      stamp: e.stamp,
      summary: e.summary,
      description: `${e.description}\n${e.url}`,
      url: e.url,
      status: e.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      alarms: e.cancelled ? [] : [{ type: ICalAlarmType.display, triggerBefore: ALARM_SECONDS, description: e.summary }],
    });
  }
  return cal.toString();
}

export const hashFeedToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A feed token is 32 random bytes, base64url: unguessable, and safe in a path. */
const tokenShape = /^[A-Za-z0-9_-]{43}$/;

/** Another module's events for a user's feed (group classes), read for the feed's window. */
export type CalendarSource = (userId: string, from: Date, to: Date) => Promise<CalendarEntry[]>;

/** Lesson invitations (.ics) and each user's personal calendar feed (a secret URL; only its hash is stored). */
export function createCalendarService(deps: { repo: SchedulingRepo; clock: Clock; logger: Logger; publicUrl: string }) {
  const { repo, clock, logger, publicUrl } = deps;
  const sources: CalendarSource[] = [];

  async function entryFor(b: BookingRow, viewerId: string): Promise<CalendarEntry> {
    const [{ rootId, depth }, p] = await Promise.all([repo.rescheduleRoot(b), repo.parties(repo.db, b)]);
    const other = viewerId === b.tutorId ? p.student : p.tutor;
    const cancelled = b.status === 'cancelled';
    return {
      uid: rootId,
      sequence: icsSequence(depth, cancelled),
      start: b.startsAt,
      end: b.endsAt,
      cancelled,
      summary: `Tutorline lesson with ${other.name}`,
      description: cancelled ? 'This lesson was cancelled.' : 'Join from Tutorline: the lesson room opens 10 minutes before the start.',
      url: `${publicUrl}/bookings/${b.id}`,
      stamp: b.cancelledAt ?? b.confirmedAt ?? b.createdAt,
    };
  }

  return {
    /** Adds another module's events to every feed (modules add theirs while registering). */
    addSource(source: CalendarSource) {
      sources.push(source);
    },

    /** One lesson's invitation, for its two parties only. */
    async invite(caller: AuthUser, bookingId: string): Promise<string> {
      const b = await repo.findForParty(bookingId, caller.id);
      if (!b) throw notFound('That booking');
      return renderCalendar('Tutorline lesson', [await entryFor(b, caller.id)]);
    },

    /** Creates the caller's feed, or replaces it (the old address stops working). The token is shown only here. */
    async createFeed(caller: AuthUser): Promise<{ url: string }> {
      const token = randomBytes(32).toString('base64url');
      await repo.setFeedToken(caller.id, hashFeedToken(token), clock.now());
      logger.info({ event: 'calendar_feed_created', userId: caller.id }, 'calendar feed created or rotated');
      return { url: `${publicUrl}/cal/${token}.ics` };
    },

    /** The feed's lessons (and other modules' events, such as classes): not cancelled, from 30 days back to 180 days ahead. Unknown tokens are 404. */
    async feed(token: string): Promise<string> {
      if (!tokenShape.test(token)) throw notFound('That calendar');
      const userId = await repo.feedOwner(hashFeedToken(token));
      if (!userId) throw notFound('That calendar');
      const now = clock.now().getTime();
      const from = new Date(now - FEED_PAST_DAYS * DAY_MS);
      const to = new Date(now + FEED_FUTURE_DAYS * DAY_MS);
      const rows = await repo.feedBookings(userId, from, to);
      const entries: CalendarEntry[] = [];
      for (const b of rows) entries.push(await entryFor(b, userId));
      for (const source of sources) entries.push(...(await source(userId, from, to)));
      return renderCalendar('Tutorline lessons', entries);
    },
  };
}
export type CalendarService = ReturnType<typeof createCalendarService>;
