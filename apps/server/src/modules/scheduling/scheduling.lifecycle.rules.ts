/**
 * Pure decisions for a booking's life after the slot is chosen (issue #6): its price, holds while paying,
 * when moving it is still allowed, which reminders to send, calendar sequence numbers, and the words people read.
 * No I/O and no zone conversions here: callers pass instants, and readings already converted by platform/time.ts.
 */

/** A booking waiting for payment keeps its slot this long. */
export const HOLD_MINUTES = 10;

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** The price of a lesson: hourly rate × minutes / 60, in minor units, rounded half up. */
export function priceFor(hourlyRateMinor: number, minutes: number): number {
  return Math.floor((hourlyRateMinor * minutes + 30) / 60);
}

export function holdUntil(now: Date): Date {
  return new Date(now.getTime() + HOLD_MINUTES * MINUTE_MS);
}

export type ConfirmDecision = 'confirm' | 'already_confirmed' | 'hold_expired' | 'not_confirmable';

/** What confirming a booking does: only a live hold becomes confirmed; confirming twice is harmless. */
export function confirmDecision(b: { status: string; heldUntil: Date | null; outcome: string | null }, now: Date): ConfirmDecision {
  if (b.status === 'confirmed') return 'already_confirmed';
  if (b.status === 'held') return b.heldUntil && b.heldUntil.getTime() > now.getTime() ? 'confirm' : 'hold_expired';
  if (b.status === 'cancelled' && b.outcome === 'hold_expired') return 'hold_expired';
  return 'not_confirmable';
}

/** Whether `now` is inside the tutor's late window (closer than cancelFreeHours to the start): only cancelling is left. */
export function insideLateWindow(start: Date, now: Date, cancelFreeHours: number): boolean {
  return start.getTime() - now.getTime() < cancelFreeHours * HOUR_MS;
}

export type ReminderKind = '24h' | '15m';
const reminderLead: Record<ReminderKind, number> = { '24h': 24 * HOUR_MS, '15m': 15 * MINUTE_MS };

/** The reminders still worth sending for a lesson at `start`: a reminder whose time has passed is dropped. */
export function reminderPlan(start: Date, now: Date): { kind: ReminderKind; runAt: Date }[] {
  return (Object.keys(reminderLead) as ReminderKind[])
    .map((kind) => ({ kind, runAt: new Date(start.getTime() - reminderLead[kind]) }))
    .filter((r) => r.runAt.getTime() > now.getTime());
}

/**
 * Whether a due reminder is too late to send (the server was down, or its job queue stalled): a "tomorrow" reminder
 * less than 22 hours before the start would arrive beside the 15-minute one; a 15-minute reminder after the start is
 * noise. A stale reminder is skipped, not sent late.
 */
export function reminderIsStale(kind: ReminderKind, start: Date, now: Date): boolean {
  const left = start.getTime() - now.getTime();
  return kind === '24h' ? left < 22 * HOUR_MS : left <= 0;
}

export const reminderKey = (bookingId: string, kind: ReminderKind, start: Date) => `booking-reminder:${bookingId}:${kind}:${start.toISOString()}`;

/**
 * The iCalendar SEQUENCE of a booking: a booking reached by `depth` reschedules shares the UID of the first one, so
 * every move and the final cancellation must outrank what the calendar saw before (2 per move, +1 when cancelled).
 */
export function icsSequence(depth: number, cancelled: boolean): number {
  return depth * 2 + (cancelled ? 1 : 0);
}

// ---------- words ----------

export interface Reading {
  /** 'YYYY-MM-DD' */
  date: string;
  /** 'HH:MM' */
  time: string;
  /** ISO weekday, Monday = 1. */
  weekday: number;
}

const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Mon 2 Mar, 16:00 (America/New_York)": a time as one person's clock shows it, with the zone named. */
export function formatWhen(r: Reading, zone: string): string {
  const [, m, d] = r.date.split('-').map(Number);
  return `${weekdays[r.weekday - 1]} ${d} ${months[m! - 1]}, ${r.time} (${zone})`;
}

/** "INR 500.00": minor units shown with two decimals (every currency we take has two). */
export function formatMoney(minor: number, currency: string): string {
  return `${currency} ${(minor / 100).toFixed(2)}`;
}

export type BookingEvent = 'booking_held' | 'booking_confirmed' | 'booking_cancelled' | 'booking_rescheduled' | 'booking_reminder' | 'series_cancelled';

export interface NoticeWords {
  event: BookingEvent;
  /** Who reads it. */
  as: 'student' | 'tutor';
  otherName: string;
  /** The lesson's time on the reader's clock (formatWhen). */
  when: string;
  /** For a reschedule: the old time on the reader's clock. */
  previously?: string;
  /** For a cancellation: whether the reader cancelled it, and whether it was late. */
  byReader?: boolean;
  late?: boolean;
  reminder?: ReminderKind;
  /** For a series cancellation: how many lessons. */
  count?: number;
  /** For a cancelled paid lesson: what happens to the money (billing decides; absent when nothing was paid). */
  money?: NoticeMoney;
}

/** A cancelled paid lesson's money: refunded to the student, or kept (a late cancellation by the student). */
export type NoticeMoney = { refundMinor: number; currency: string } | { noRefundHours: number };

function moneyText(w: NoticeWords, money: NoticeMoney): string {
  if ('refundMinor' in money) {
    const amount = formatMoney(money.refundMinor, money.currency);
    return w.as === 'student' ? `You will get ${amount} back.` : `${w.otherName} gets ${amount} back.`;
  }
  return `No refund: cancelled less than ${money.noRefundHours} h before.`;
}

/** The text of an in-app notice (and of the message to the user's other channels). */
export function noticeText(w: NoticeWords): string {
  const withWhom = `with ${w.otherName}`;
  switch (w.event) {
    case 'booking_held':
      return `Your lesson ${withWhom} on ${w.when} is reserved for ${HOLD_MINUTES} minutes while you pay.`;
    case 'booking_confirmed':
      return w.as === 'student' ? `Booked: your lesson ${withWhom} on ${w.when}.` : `New booking: ${w.otherName} booked a lesson on ${w.when}.`;
    case 'booking_cancelled': {
      const who = w.byReader ? 'You cancelled' : `${w.otherName} cancelled`;
      const said = `${who} the lesson on ${w.when}${w.late ? ' (a late cancellation)' : ''}.`;
      return w.money ? `${said} ${moneyText(w, w.money)}` : said;
    }
    case 'booking_rescheduled':
      return `Moved: your lesson ${withWhom} is now on ${w.when} (was ${w.previously ?? 'earlier'}).`;
    case 'booking_reminder':
      return `${w.reminder === '15m' ? 'In 15 minutes' : 'Tomorrow'}: your lesson ${withWhom} on ${w.when}.`;
    case 'series_cancelled': {
      const lessons = `${w.count ?? 0} weekly lesson${w.count === 1 ? '' : 's'}`;
      return w.byReader ? `You cancelled ${lessons} ${withWhom}, from ${w.when}.` : `${w.otherName} cancelled ${lessons}, from ${w.when}.`;
    }
  }
}
