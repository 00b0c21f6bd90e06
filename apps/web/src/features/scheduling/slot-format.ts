import type { LearnerSlotView } from '@tutorline/contracts';
import { translate } from '../../i18n';
import { calendarDate, formatCalendarDate, formatTime, zoneCity, zoneName } from '../../lib/format';

/**
 * Display helpers for slots and lessons. The server does the zone arithmetic; words come from lib/format.ts, so
 * every time here follows the viewer's locale (12- or 24-hour).
 */

/** The calendar date ("YYYY-MM-DD") of an instant in a zone. */
export function dateInZone(ms: number, zone: string): string {
  return calendarDate(ms, zone);
}

/** `count` consecutive calendar dates from `first` ("YYYY-MM-DD"), calendar arithmetic only. */
export function nextDates(first: string, count: number): string[] {
  const base = Date.parse(`${first}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(base + i * 86_400_000).toISOString().slice(0, 10));
}

/** "2026-11-27" → "Fri 27" (a calendar date, so no zone shifts it). */
export function dayLabel(date: string): string {
  return formatCalendarDate(date, { style: 'day' });
}

/** "2026-11-27" → "Friday 27 November" (en-GB), "Friday, November 27" (en-US). */
export function longDateLabel(date: string): string {
  return formatCalendarDate(date, { style: 'long' });
}

/** "2026-11-27" → "Fri". */
export function weekdayLabel(date: string): string {
  return formatCalendarDate(date, { style: 'weekdayOnly' });
}

/** Slots grouped by the learner's date, in order. */
export function slotsByDate(slots: LearnerSlotView[]): Map<string, LearnerSlotView[]> {
  const byDate = new Map<string, LearnerSlotView[]>();
  for (const slot of slots) {
    const list = byDate.get(slot.learnerLocal.date) ?? [];
    list.push(slot);
    byDate.set(slot.learnerLocal.date, list);
  }
  return byDate;
}

/** The tutor's clock for a slot: "02:30", with the weekday when their date differs from the learner's ("02:30 Fri"). */
export function tutorClock(slot: LearnerSlotView, tutorZone: string): string {
  const time = formatTime(slot.start, { zone: tutorZone });
  return slot.dayDifference === 0 ? time : translate('booking.slot.timeOnDay', { time, day: weekdayLabel(slot.tutorLocal.date) });
}

/** "16:00 your time · 02:30 Fri for tutor (Kolkata time)". The tutor part is left out when both clocks agree. */
export function slotDescription(slot: LearnerSlotView, learnerZone: string, tutorZone: string): string {
  const yours = formatTime(slot.start, { zone: learnerZone });
  const theirs = tutorClock(slot, tutorZone);
  if (slot.dayDifference === 0 && theirs === yours) return translate('booking.slot.describeSame', { yours });
  return translate('booking.slot.describe', { yours, theirs, zone: zoneName(tutorZone).label });
}

/**
 * The other party's reading of an instant: "02:30 Fri in Kolkata". The weekday is added only when their date differs
 * from the viewer's. Null when their zone is unknown or the same as the viewer's.
 */
export function otherPartyClock(iso: string, viewerZone: string, otherZone: string | null | undefined): string | null {
  if (!otherZone || otherZone === viewerZone) return null;
  const ms = Date.parse(iso);
  const time = formatTime(iso, { zone: otherZone });
  const theirDate = dateInZone(ms, otherZone);
  const at = theirDate === dateInZone(ms, viewerZone) ? time : translate('booking.slot.timeOnDay', { time, day: weekdayLabel(theirDate) });
  return translate('booking.slot.inCity', { time: at, city: zoneCity(otherZone) });
}

/**
 * Slot starts as runs, for a one-line day summary: starts 07:00, 07:15, 07:30 and 19:00 → [[07:00, 07:30], [19:00,
 * 19:00]] (instants). A run continues while starts are `stepMinutes` apart.
 */
export function startRuns(starts: string[], stepMinutes = 15): [first: string, last: string][] {
  const runs: [string, string][] = [];
  for (const t of starts) {
    const last = runs[runs.length - 1];
    if (last && Date.parse(t) - Date.parse(last[1]) === stepMinutes * 60_000) last[1] = t;
    else runs.push([t, t]);
  }
  return runs;
}

/**
 * After a 409: the server sent the fresh slots of the taken slot's tutor-local day. Replace that day's slots (and the
 * taken one) with them, keeping the rest of the list.
 */
export function mergeFreshSlots(current: LearnerSlotView[], taken: LearnerSlotView, fresh: LearnerSlotView[]): LearnerSlotView[] {
  const day = taken.tutorLocal.date;
  const kept = current.filter((s) => s.start !== taken.start && s.tutorLocal.date !== day && !fresh.some((f) => f.start === s.start));
  return [...kept, ...fresh].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
}

/**
 * The lengths a learner may choose, from what the tutor offers (their public profile), shortest first, and the one
 * chosen at first: an hour when offered, else the longest.
 */
export function offeredLengths(durationsMinutes: readonly number[], known: readonly number[]): { choices: number[]; preferred: number } {
  const choices = known.filter((m) => durationsMinutes.includes(m));
  return { choices, preferred: choices.includes(60) ? 60 : (choices.at(-1) ?? 60) };
}
