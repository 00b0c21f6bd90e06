import type { BookingView, MyBookingView } from '@tutorline/contracts';
import { LESSON_TIMES } from '@tutorline/contracts/plain';
import { translate, type MessageKey } from '../../i18n';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** When the lesson's room opens (10 minutes before the start) and closes (the end plus a grace). */
export function roomWindow(booking: Pick<BookingView, 'start' | 'end'>): { opensAt: number; closesAt: number } {
  return {
    opensAt: Date.parse(booking.start) - LESSON_TIMES.roomOpensMinutesBefore * MINUTE_MS,
    closesAt: Date.parse(booking.end) + LESSON_TIMES.roomGraceMinutes * MINUTE_MS,
  };
}

export type LessonPhase = 'upcoming' | 'room_open' | 'past';

/** Upcoming until the room opens; then joinable until it closes; after that (or when no longer active) past. */
export function lessonPhase(booking: Pick<BookingView, 'start' | 'end' | 'status'>, nowMs: number): LessonPhase {
  const active = booking.status === 'confirmed' || booking.status === 'held';
  const { opensAt, closesAt } = roomWindow(booking);
  if (!active || nowMs >= closesAt) return 'past';
  return nowMs >= opensAt ? 'room_open' : 'upcoming';
}

/** Upcoming (and in-progress) lessons soonest first; past ones most recent first. */
export function splitLessons<B extends Pick<BookingView, 'start' | 'end' | 'status'>>(bookings: B[], nowMs: number): { upcoming: B[]; past: B[] } {
  const upcoming = bookings.filter((b) => lessonPhase(b, nowMs) !== 'past').sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  const past = bookings.filter((b) => lessonPhase(b, nowMs) === 'past').sort((a, b) => Date.parse(b.start) - Date.parse(a.start));
  return { upcoming, past };
}

/** Whether cancelling now would be late under the tutor's free-cancellation window; null when the window is unknown. */
export function isLateCancellation(booking: Pick<BookingView, 'start'>, cancelFreeHours: number | null | undefined, nowMs: number): boolean | null {
  if (cancelFreeHours === null || cancelFreeHours === undefined) return null;
  return Date.parse(booking.start) - nowMs < cancelFreeHours * HOUR_MS;
}

const outcomeText: Record<NonNullable<BookingView['outcome']>, MessageKey> = {
  cancelled: 'booking.status.cancelled',
  late_cancellation: 'booking.status.lateCancellation',
  hold_expired: 'booking.status.holdExpired',
  rescheduled: 'booking.status.rescheduled',
  completed: 'booking.status.completed',
  tutor_no_show: 'booking.status.tutorNoShow',
  student_no_show: 'booking.status.studentNoShow',
  both_no_show: 'booking.status.bothNoShow',
};

/** The status badge's words and tone. */
export function lessonStatus(booking: Pick<BookingView, 'status' | 'outcome'>): { text: string; tone: 'ok' | 'warn' | 'off' | 'done' } {
  if (booking.outcome) {
    const tone = booking.outcome === 'completed' ? 'done' : booking.outcome === 'rescheduled' || booking.outcome === 'cancelled' ? 'off' : 'warn';
    return { text: translate(outcomeText[booking.outcome]), tone };
  }
  if (booking.status === 'held') return { text: translate('booking.status.held'), tone: 'warn' };
  if (booking.status === 'completed') return { text: translate('booking.status.completed'), tone: 'done' };
  if (booking.status === 'cancelled') return { text: translate('booking.status.cancelled'), tone: 'off' };
  if (booking.status === 'no_show') return { text: translate('booking.status.missed'), tone: 'warn' };
  return { text: translate('booking.status.confirmed'), tone: 'ok' };
}

/** The other person of a lesson as the viewer sees it: the student for a tutor, the tutor for a student. */
export function otherParty(booking: Pick<MyBookingView, 'tutor' | 'student'>, viewerRole: 'student' | 'tutor'): { name: string; zone: string } {
  const other = viewerRole === 'tutor' ? booking.student : booking.tutor;
  return { name: other.displayName, zone: other.timeZone };
}
