/**
 * Pure decisions for scheduled tutoring (issue #6): which slots a tutor offers, whether one may be booked,
 * how a slot reads in the learner's zone, and where a weekly lesson lands across daylight-saving changes.
 *
 * Time zones. This file converts no time zones itself: every wall-clock ⇄ instant step goes through the
 * functions in platform/time.ts, which callers pass in as `zones` (rules files import no platform code;
 * a service passes `import * as time from '../../platform/time'`, and so do the tests).
 *
 * The rules about local time, decided once here:
 * 1. A tutor's range ("Mon 16:00–20:00" in their zone) means the instants at which the tutor's own clock shows a
 *    time in [16:00, 20:00) on that date. So a rule of 16:00 in America/New_York stays 16:00 local across the
 *    March and November changes (21:00Z in winter, 20:00Z in summer).
 * 2. A skipped hour (spring forward) is simply not available: 01:00–03:00 on the day New York jumps 02:00→03:00 is
 *    one real hour; a range starting in the gap (02:30–04:00) starts at the jump (03:00 EDT), the first instant the
 *    clock reads ≥ 02:30; a range ending in the gap (00:00–02:30) ends at the jump.
 * 3. A repeated hour (fall back) is available both times the clock shows it: 01:00–03:00 on the day New York goes
 *    02:00→01:00 is three real hours. A range that starts or ends inside the repeated hour keeps the same rule, so
 *    00:00–01:30 is two pieces, 00:00–01:30 EDT and 01:00–01:30 EST; a slot never spans the two pieces.
 * 4. Slots start on a grid: every `stepMinutes` (default 15) from the start of each piece of availability.
 * 5. A weekly lesson keeps the tutor's wall-clock time every week (RFC 5545 'compatible': a time the clock skips
 *    moves forward by the gap, a repeated time takes its first occurrence); the learner's time may then shift by an
 *    hour, and `localTimeShifts` flags those weeks.
 */

// ---------- types ----------

/** A calendar date, 'YYYY-MM-DD'. */
export type LocalDate = string;
/** A wall-clock time 'HH:MM'; '24:00' is allowed as the end of a range (the end of the day). */
export type LocalTime = string;
/** ISO weekday: Monday = 1 … Sunday = 7. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface TimeRange {
  start: LocalTime;
  /** After `start`, on the same day; '24:00' for the end of the day. */
  end: LocalTime;
}

export interface WeeklyRule extends TimeRange {
  weekday: Weekday;
}

/** Replaces the weekly rules of one date: extra hours, different hours, or (with no ranges) a day off / holiday. */
export interface DateOverride {
  date: LocalDate;
  ranges: TimeRange[];
}

export const sessionLengths = [30, 45, 60] as const;
export type SessionLength = (typeof sessionLengths)[number];

export interface AvailabilityPolicy {
  /** The tutor's IANA zone; rules and overrides are wall-clock times there. */
  timeZone: string;
  rules: WeeklyRule[];
  overrides: DateOverride[];
  durationsMinutes: SessionLength[];
  /** Free time kept before and after every busy interval (bookings and instant sessions alike). */
  bufferMinutes: number;
  /** A slot starts at least this long after now. */
  minNoticeMinutes: number;
  /** Bookings per tutor-local date; null for no cap. Instant-help sessions don't count. */
  maxPerDay: number | null;
  /** A slot ends at most this many days (of 24 h) after now. */
  horizonDays: number;
}

/**
 * Time the tutor is not free, half-open [start, end): active bookings, and instant-help sessions in progress
 * (give those an expected end; the caller knows the session length). Empty intervals (end ≤ start) are ignored.
 */
export interface Busy {
  start: Date;
  end: Date;
  kind: 'booking' | 'instant';
}

export interface ZonedParts {
  date: LocalDate;
  time: LocalTime;
  weekday: Weekday;
  /** UTC offset at that instant, e.g. '+05:30'; tells the two 01:30s of a fall-back night apart. */
  offset: string;
}

/** The zone functions of platform/time.ts that these rules use; pass the module itself. */
export interface ZoneOps {
  zonedToInstant(date: LocalDate, time: LocalTime, zone: string, disambiguation: 'earlier' | 'later' | 'compatible' | 'reject'): Date;
  instantToZoned(instant: Date, zone: string): ZonedParts;
  wallClockIntervals(date: LocalDate, start: LocalTime, end: LocalTime, zone: string): { start: Date; end: Date }[];
  addDaysLocal(date: LocalDate, days: number): LocalDate;
  weekdayOf(date: LocalDate): Weekday;
  localDatesBetween(from: Date, to: Date, zone: string): LocalDate[];
}

export interface Slot {
  start: Date;
  end: Date;
  /** The tutor's clock: the date of the availability the slot comes from, and the readings at start and end. */
  tutorLocal: { date: LocalDate; weekday: Weekday; start: LocalTime; end: LocalTime; offset: string };
}

export interface SlotQuery {
  /** Slots starting in [from, to). */
  from: Date;
  to: Date;
  now: Date;
  durationMinutes: number;
  /**
   * Distance between possible starts within a piece of availability. Default 15: people think in quarter hours, and
   * 15 divides every offered length, so a session can start at the first quarter hour after a booking and its buffer.
   * Slots of one query may therefore overlap each other: they are alternatives, and booking one removes its
   * neighbours on the next computation. Pass the duration itself for back-to-back, non-overlapping slots.
   */
  stepMinutes?: number;
  /** Stop after this many slots (the first found, tutor-local day by day): "is there any?" needs one (recommendations, #17). */
  limit?: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
export const defaultStepMinutes = 15;

// ---------- policy ----------

/** Minutes since midnight for 'HH:MM' ('24:00' = 1440), or null when malformed. */
export function parseLocalTime(time: string): number | null {
  const m = /^(\d{2}):(\d{2})$/.exec(time);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 24 || min > 59 || (h === 24 && min !== 0)) return null;
  return h * 60 + min;
}

function formatLocalTime(minutes: number): LocalTime {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function rangeMinutes(r: TimeRange): [number, number] {
  const s = parseLocalTime(r.start);
  const e = parseLocalTime(r.end);
  if (s === null || e === null || s === 1440) throw new RangeError(`bad range ${r.start}–${r.end}`);
  return [s, e];
}

/** What is wrong with a policy, as short messages; empty when it is usable. (The zone is checked by the caller.) */
export function policyProblems(p: AvailabilityPolicy): string[] {
  const problems: string[] = [];
  const checkRange = (where: string, r: TimeRange) => {
    const s = parseLocalTime(r.start);
    const e = parseLocalTime(r.end);
    if (s === null || s === 1440) problems.push(`${where}: start must be HH:MM`);
    if (e === null) problems.push(`${where}: end must be HH:MM or 24:00`);
    if (s !== null && s !== 1440 && e !== null && e <= s) problems.push(`${where}: end must be after start`);
  };
  p.rules.forEach((r, i) => {
    if (!Number.isInteger(r.weekday) || r.weekday < 1 || r.weekday > 7) problems.push(`rules[${i}]: weekday must be 1 (Monday) to 7`);
    checkRange(`rules[${i}]`, r);
  });
  const seen = new Set<string>();
  p.overrides.forEach((o, i) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(o.date)) problems.push(`overrides[${i}]: date must be YYYY-MM-DD`);
    if (seen.has(o.date)) problems.push(`overrides[${i}]: ${o.date} is overridden twice`);
    seen.add(o.date);
    o.ranges.forEach((r, j) => checkRange(`overrides[${i}].ranges[${j}]`, r));
  });
  if (p.durationsMinutes.length === 0) problems.push('durationsMinutes: offer at least one length');
  for (const d of p.durationsMinutes) if (!(sessionLengths as readonly number[]).includes(d)) problems.push(`durationsMinutes: ${d} is not 30, 45 or 60`);
  const nonNegativeInt = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 0) problems.push(`${name}: must be a whole number ≥ 0`);
  };
  nonNegativeInt('bufferMinutes', p.bufferMinutes);
  nonNegativeInt('minNoticeMinutes', p.minNoticeMinutes);
  if (p.maxPerDay !== null && (!Number.isInteger(p.maxPerDay) || p.maxPerDay < 1)) problems.push('maxPerDay: must be a whole number ≥ 1, or none');
  if (!Number.isInteger(p.horizonDays) || p.horizonDays < 1) problems.push('horizonDays: must be a whole number ≥ 1');
  return problems;
}

/**
 * The tutor's wall-clock ranges for one date: the override's ranges when the date has one (all of them, if it
 * appears twice), else the weekly rules of its weekday. Overlapping or touching ranges are merged, so
 * 16:00–17:00 and 17:00–18:00 are one range 16:00–18:00; empty ranges are dropped. Sorted.
 */
export function rangesForDate(p: AvailabilityPolicy, date: LocalDate, zones: Pick<ZoneOps, 'weekdayOf'>): TimeRange[] {
  const overrides = p.overrides.filter((o) => o.date === date);
  const raw = overrides.length ? overrides.flatMap((o) => o.ranges) : p.rules.filter((r) => r.weekday === zones.weekdayOf(date));
  const spans = raw
    .map(rangeMinutes)
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [s, e] of spans) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  return merged.map(([s, e]) => ({ start: formatLocalTime(s), end: formatLocalTime(e) }));
}

/** The real-time pieces of availability on one tutor-local date (see rules 1–3 at the top). Sorted, disjoint. */
export function availabilityOn(p: AvailabilityPolicy, date: LocalDate, zones: ZoneOps): { start: Date; end: Date }[] {
  return rangesForDate(p, date, zones).flatMap((r) => zones.wallClockIntervals(date, r.start, r.end, p.timeZone));
}

// ---------- slots ----------

function liveBusy(busy: Busy[]): Busy[] {
  return busy.filter((b) => b.end.getTime() > b.start.getTime());
}

/** Whether [start, end) widened by the buffer on both sides touches any busy interval. */
function conflicts(startMs: number, endMs: number, bufferMs: number, busy: Busy[]): boolean {
  return busy.some((b) => b.start.getTime() < endMs + bufferMs && b.end.getTime() > startMs - bufferMs);
}

function bookingsPerDate(p: AvailabilityPolicy, busy: Busy[], zones: ZoneOps): Map<LocalDate, number> {
  const counts = new Map<LocalDate, number>();
  for (const b of busy) {
    if (b.kind !== 'booking') continue;
    const date = zones.instantToZoned(b.start, p.timeZone).date;
    counts.set(date, (counts.get(date) ?? 0) + 1);
  }
  return counts;
}

function dayIsFull(p: AvailabilityPolicy, counts: Map<LocalDate, number>, date: LocalDate): boolean {
  return p.maxPerDay !== null && (counts.get(date) ?? 0) >= p.maxPerDay;
}

function makeSlot(p: AvailabilityPolicy, date: LocalDate, startMs: number, endMs: number, zones: ZoneOps): Slot {
  const start = new Date(startMs);
  const end = new Date(endMs);
  const s = zones.instantToZoned(start, p.timeZone);
  const e = zones.instantToZoned(end, p.timeZone);
  return { start, end, tutorLocal: { date, weekday: zones.weekdayOf(date), start: s.time, end: e.time, offset: s.offset } };
}

function stepOf(q: { stepMinutes?: number }): number {
  const step = q.stepMinutes ?? defaultStepMinutes;
  if (!Number.isInteger(step) || step < 1) throw new RangeError(`stepMinutes must be a whole number ≥ 1, got ${step}`);
  return step;
}

/**
 * The slots a learner may book: each lies inside one piece of the tutor's availability on its tutor-local date,
 * starts on the grid, starts ≥ now + notice and in [from, to), ends ≤ now + horizon, keeps the buffer clear of every
 * busy interval, and falls on a date whose bookings are below the daily cap. Sorted by start. A length the tutor
 * doesn't offer gives none.
 */
export function computeSlots(p: AvailabilityPolicy, busy: Busy[], q: SlotQuery, zones: ZoneOps): Slot[] {
  if (!(p.durationsMinutes as number[]).includes(q.durationMinutes)) return [];
  const stepMs = stepOf(q) * MINUTE_MS;
  const durMs = q.durationMinutes * MINUTE_MS;
  const bufferMs = p.bufferMinutes * MINUTE_MS;
  const now = q.now.getTime();
  const firstStart = Math.max(q.from.getTime(), now + p.minNoticeMinutes * MINUTE_MS);
  // Last allowed start, inclusive.
  const lastStart = Math.min(q.to.getTime() - 1, now + p.horizonDays * DAY_MS - durMs);
  if (firstStart > lastStart) return [];

  const live = liveBusy(busy);
  const counts = bookingsPerDate(p, live, zones);
  const slots: Slot[] = [];
  // A slot starts at an instant whose tutor-local date is the date of its availability (rule 1), so these dates suffice.
  for (const date of zones.localDatesBetween(new Date(firstStart), new Date(lastStart), p.timeZone)) {
    if (dayIsFull(p, counts, date)) continue;
    for (const piece of availabilityOn(p, date, zones)) {
      const pieceStart = piece.start.getTime();
      let s = pieceStart;
      if (s < firstStart) s = pieceStart + Math.ceil((firstStart - pieceStart) / stepMs) * stepMs;
      for (; s + durMs <= piece.end.getTime() && s <= lastStart; s += stepMs) {
        if (!conflicts(s, s + durMs, bufferMs, live)) slots.push(makeSlot(p, date, s, s + durMs, zones));
        if (q.limit !== undefined && slots.length >= q.limit) return slots.sort((a, b) => a.start.getTime() - b.start.getTime());
      }
    }
  }
  return slots.sort((a, b) => a.start.getTime() - b.start.getTime());
}

export type SlotProblem = 'duration_not_offered' | 'too_soon' | 'beyond_horizon' | 'outside_availability' | 'day_full' | 'conflict';

/**
 * Why a booking of [start, start + duration) would not be a slot right now, or null when it is one; agrees with
 * `computeSlots` (same grid). The first reason found, in the order of the type.
 */
export function slotProblem(
  p: AvailabilityPolicy,
  busy: Busy[],
  start: Date,
  durationMinutes: number,
  now: Date,
  zones: ZoneOps,
  stepMinutes?: number,
): SlotProblem | null {
  if (!(p.durationsMinutes as number[]).includes(durationMinutes)) return 'duration_not_offered';
  const stepMs = stepOf({ stepMinutes }) * MINUTE_MS;
  const s = start.getTime();
  const e = s + durationMinutes * MINUTE_MS;
  if (s < now.getTime() + p.minNoticeMinutes * MINUTE_MS) return 'too_soon';
  if (e > now.getTime() + p.horizonDays * DAY_MS) return 'beyond_horizon';
  const date = zones.instantToZoned(start, p.timeZone).date;
  const inside = availabilityOn(p, date, zones).some((piece) => {
    const a = piece.start.getTime();
    return s >= a && e <= piece.end.getTime() && (s - a) % stepMs === 0;
  });
  if (!inside) return 'outside_availability';
  const live = liveBusy(busy);
  if (dayIsFull(p, bookingsPerDate(p, live, zones), date)) return 'day_full';
  if (conflicts(s, e, p.bufferMinutes * MINUTE_MS, live)) return 'conflict';
  return null;
}

/** For the booking service: recheck a requested slot against current facts just before booking it. */
export function slotIsBookable(
  p: AvailabilityPolicy,
  busy: Busy[],
  start: Date,
  durationMinutes: number,
  now: Date,
  zones: ZoneOps,
  stepMinutes?: number,
): boolean {
  return slotProblem(p, busy, start, durationMinutes, now, zones, stepMinutes) === null;
}

// ---------- display ----------

export interface LearnerSlot {
  start: Date;
  end: Date;
  learnerLocal: { date: LocalDate; weekday: Weekday; start: LocalTime; end: LocalTime; offset: string };
  tutorLocal: Slot['tutorLocal'];
  /** The learner's date minus the tutor's date, in days (−2…2): Sydney is usually a day ahead of New York. */
  dayDifference: number;
}

/** A slot as the learner sees it: their own clock first, the tutor's beside it. */
export function toLearnerView(slot: Slot, learnerZone: string, zones: ZoneOps): LearnerSlot {
  const s = zones.instantToZoned(slot.start, learnerZone);
  const e = zones.instantToZoned(slot.end, learnerZone);
  let dayDifference = 0;
  for (const d of [-2, -1, 1, 2]) if (zones.addDaysLocal(slot.tutorLocal.date, d) === s.date) dayDifference = d;
  return {
    start: slot.start,
    end: slot.end,
    learnerLocal: { date: s.date, weekday: s.weekday, start: s.time, end: e.time, offset: s.offset },
    tutorLocal: slot.tutorLocal,
    dayDifference,
  };
}

// ---------- recurring lessons ----------

/**
 * `count` weekly occurrences starting at `start` (included), each at the same wall-clock time in `zone` (the
 * tutor's), so across a daylight-saving change the interval between two of them is 167 or 169 hours. A time the
 * clock skips that week moves forward by the gap; a repeated time takes its first occurrence (rule 5).
 */
export function recurringOccurrences(start: Date, count: number, zone: string, zones: ZoneOps): Date[] {
  const local = zones.instantToZoned(start, zone);
  const out: Date[] = [];
  for (let k = 0; k < count; k++) {
    out.push(k === 0 ? start : zones.zonedToInstant(zones.addDaysLocal(local.date, 7 * k), local.time, zone, 'compatible'));
  }
  return out;
}

export interface LocalTimeShift {
  start: Date;
  /** The other party's clock at this occurrence. */
  local: ZonedParts;
  /** How far their clock reading moved from the first occurrence's, in minutes (e.g. +60, −60); 0 when unchanged. */
  shiftMinutes: number;
}

/**
 * For the daylight-saving warning on a recurring lesson: the other party's local time at each occurrence and how
 * far it moved from the first. Weeks with `shiftMinutes !== 0` are the ones to warn about.
 */
export function localTimeShifts(occurrences: Date[], otherZone: string, zones: ZoneOps): LocalTimeShift[] {
  const first = occurrences[0];
  if (!first) return [];
  const base = parseLocalTime(zones.instantToZoned(first, otherZone).time)!;
  return occurrences.map((start) => {
    const local = zones.instantToZoned(start, otherZone);
    let shift = parseLocalTime(local.time)! - base;
    // Across midnight (23:30 → 00:30) the shift is +60, not −1380.
    if (shift > 720) shift -= 1440;
    if (shift <= -720) shift += 1440;
    return { start, local, shiftMinutes: shift };
  });
}
