import type { LearnerSlotView } from '@tutorline/contracts';
import { weekdayShort, type Weekday } from './availability-draft';

/** Display helpers for slots and lessons. The server does the zone arithmetic; these only format its readings. */

/** The calendar date ("YYYY-MM-DD") of an instant in a zone. */
export function dateInZone(ms: number, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(ms));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** `count` consecutive calendar dates from `first` ("YYYY-MM-DD"), calendar arithmetic only. */
export function nextDates(first: string, count: number): string[] {
  const base = Date.parse(`${first}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(base + i * 86_400_000).toISOString().slice(0, 10));
}

const dayLabelFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric' });
const longDateFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long' });

/** "2026-11-27" → "Fri 27" (a calendar date, so read in UTC: no zone shifts it). */
export function dayLabel(date: string): string {
  return dayLabelFormat.format(new Date(`${date}T00:00:00Z`));
}

/** "2026-11-27" → "Friday 27 November". */
export function longDateLabel(date: string): string {
  return longDateFormat.format(new Date(`${date}T00:00:00Z`));
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
export function tutorClock(slot: LearnerSlotView): string {
  if (slot.dayDifference === 0) return slot.tutorLocal.start;
  return `${slot.tutorLocal.start} ${weekdayShort[slot.tutorLocal.weekday as Weekday] ?? ''}`.trim();
}

/** "16:00 your time · 02:30 Fri for tutor (Kolkata (Asia))". The tutor part is left out when both clocks agree. */
export function slotDescription(slot: LearnerSlotView, tutorZone: string): string {
  const yours = `${slot.learnerLocal.start} your time`;
  if (slot.tutorLocal.start === slot.learnerLocal.start && slot.dayDifference === 0) return `${yours} (same for tutor)`;
  return `${yours} · ${tutorClock(slot)} for tutor (${tutorZone})`;
}

const clockFormats = new Map<string, Intl.DateTimeFormat>();
function clockFormat(zone: string, withDate: boolean): Intl.DateTimeFormat {
  const key = `${zone}|${withDate}`;
  let format = clockFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', withDate ? { timeZone: zone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    clockFormats.set(key, format);
  }
  return format;
}

/** An instant in a zone: "Fri 27 Nov, 16:00". */
export function formatInZone(iso: string, zone: string): string {
  return clockFormat(zone, true).format(new Date(iso));
}

/** An instant's wall clock in a zone: "16:00". */
export function clockInZone(iso: string, zone: string): string {
  return clockFormat(zone, false).format(new Date(iso));
}

/** "Asia/Kolkata" → "Kolkata", "America/Argentina/Buenos_Aires" → "Buenos Aires". */
export function zoneCity(zone: string): string {
  return (zone.split('/').pop() ?? zone).replaceAll('_', ' ');
}

/**
 * The other party's reading of an instant: "02:30 Fri in Kolkata". The weekday is added only when their date differs
 * from the viewer's. Null when their zone is unknown or the same as the viewer's.
 */
export function otherPartyClock(iso: string, viewerZone: string, otherZone: string | null | undefined): string | null {
  if (!otherZone || otherZone === viewerZone) return null;
  const ms = Date.parse(iso);
  const time = clockInZone(iso, otherZone);
  const theirDate = dateInZone(ms, otherZone);
  const day = theirDate === dateInZone(ms, viewerZone) ? '' : ` ${dayLabel(theirDate).split(' ')[0]}`;
  return `${time}${day} in ${zoneCity(otherZone)}`;
}

/**
 * Slot starts as runs: ["07:00","07:15","07:30","19:00"] → ["07:00–07:30", "19:00"], for a one-line day summary.
 * A run continues while starts are `stepMinutes` apart.
 */
export function startRuns(starts: string[], stepMinutes = 15): string[] {
  const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
  const runs: [string, string][] = [];
  for (const t of starts) {
    const last = runs[runs.length - 1];
    if (last && minutes(t) - minutes(last[1]) === stepMinutes) last[1] = t;
    else runs.push([t, t]);
  }
  return runs.map(([a, b]) => (a === b ? a : `${a}–${b}`));
}

/** "2 h", "45 min", "1 h 30 min". */
export function durationLabel(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h && m) return `${h} h ${m} min`;
  return h ? `${h} h` : `${m} min`;
}

/** "in 3 days", "in 5 h 20 min", "in 12 min", "0:42": how long until an instant, for countdowns. */
export function untilLabel(ms: number): string {
  if (ms <= 0) return 'now';
  const minutes = Math.ceil(ms / 60_000);
  if (minutes < 60) return `in ${minutes} min`;
  if (minutes < 48 * 60) return `in ${durationLabel(minutes - (minutes % 5))}`;
  return `in ${Math.round(minutes / 1440)} days`;
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
