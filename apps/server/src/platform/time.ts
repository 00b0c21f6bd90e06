import { Temporal } from 'temporal-polyfill';

/** The one place that converts between instants and wall-clock time in a zone. */

/** The instant at which the calendar day containing `now` began in `zone`. */
export function startOfDayIn(zone: string, now: Date): Date {
  const zoned = Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(zone);
  return new Date(zoned.startOfDay().epochMilliseconds);
}

// ---------- wall-clock ⇄ instant (used by the scheduling rules; they take these functions as an argument) ----------

/** A calendar date, 'YYYY-MM-DD'. */
export type LocalDate = string;
/** A wall-clock time, 'HH:MM' (00:00–23:59); where a range ends, '24:00' is the end of the day. */
export type LocalTime = string;
/** ISO weekday: Monday = 1 … Sunday = 7. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/**
 * What to do with a wall-clock time that a zone skips (spring forward) or shows twice (fall back), as in Temporal:
 * 'earlier' / 'later' pick the first / second of a repeated time; for a skipped time they shift it back / forward
 * by the length of the gap; 'compatible' is 'later' for a skipped time and 'earlier' for a repeated one (RFC 5545);
 * 'reject' throws on either.
 */
export type Disambiguation = 'earlier' | 'later' | 'compatible' | 'reject';

export interface ZonedParts {
  date: LocalDate;
  /** 'HH:MM'; seconds are dropped. */
  time: LocalTime;
  weekday: Weekday;
  /** The zone's UTC offset at that instant, e.g. '+05:30', '-04:00'. */
  offset: string;
}

const MINUTE_MS = 60_000;

function parseDate(date: LocalDate): { year: number; month: number; day: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`not a date (YYYY-MM-DD): ${date}`);
  // PlainDate.from checks the day exists (no 2026-02-30).
  const d = Temporal.PlainDate.from(date, { overflow: 'reject' });
  return { year: d.year, month: d.month, day: d.day };
}

/** Minutes since midnight for 'HH:MM' (00:00–23:59, and '24:00' = 1440). */
export function minutesOfDay(time: LocalTime): number {
  const m = /^(\d{2}):(\d{2})$/.exec(time);
  const h = m ? Number(m[1]) : NaN;
  const min = m ? Number(m[2]) : NaN;
  if (!m || h > 24 || min > 59 || (h === 24 && min !== 0)) throw new RangeError(`not a time (HH:MM): ${time}`);
  return h * 60 + min;
}

/** The wall-clock reading `date time` as if it were UTC, in ms: the zone-free "local epoch". */
function localEpochMs(date: LocalDate, time: LocalTime): number {
  const { year, month, day } = parseDate(date);
  return Date.UTC(year, month - 1, day) + minutesOfDay(time) * MINUTE_MS;
}

function zoned(instant: Date | number, zone: string): Temporal.ZonedDateTime {
  return Temporal.Instant.fromEpochMilliseconds(typeof instant === 'number' ? instant : instant.getTime()).toZonedDateTimeISO(zone);
}

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isValidTimeZone(zone: string): boolean {
  try {
    zoned(0, zone);
    return true;
  } catch {
    return false;
  }
}

/** The instant at which a clock in `zone` shows `time` on `date` ('24:00' = the next day's 00:00). */
export function zonedToInstant(date: LocalDate, time: LocalTime, zone: string, disambiguation: Disambiguation = 'compatible'): Date {
  const key = `${zone}|${date}|${time}|${disambiguation}`;
  let ms = instantCache.get(key);
  if (ms === undefined) {
    ms = temporalZonedToInstant(date, time, zone, disambiguation);
    remember(instantCache, key, ms);
  }
  return new Date(ms);
}

/**
 * Pure zone arithmetic, memoised (zone rules do not change while the process runs): slot searches over many tutors
 * (recommendations' free-slot filter, #17) ask for the same wall-clock times in the same zones again and again, and
 * the Temporal polyfill takes tens of µs per call. Bounded: a map is emptied when it passes MEMO_LIMIT entries.
 */
const MEMO_LIMIT = 100_000;
const instantCache = new Map<string, number>();
const intervalCache = new Map<string, readonly (readonly [number, number])[]>();
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= MEMO_LIMIT) map.clear();
  map.set(key, value);
}

function temporalZonedToInstant(date: LocalDate, time: LocalTime, zone: string, disambiguation: Disambiguation): number {
  const local = new Date(localEpochMs(date, time));
  const plain = Temporal.PlainDateTime.from({
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
  });
  return plain.toZonedDateTime(zone, { disambiguation }).epochMilliseconds;
}

/**
 * UTC offsets, cached: a zone's offset is the same all day except on its (rare) transition days, so Temporal is asked
 * twice per zone and UTC day, and per quarter hour only on a day whose offset changes (real transitions fall on
 * quarter hours in UTC). Slot computation asks for thousands of instants; Temporal's polyfill takes ~70 µs each.
 */
const offsetCache = new Map<string, number>();
const DAY_MS = 86_400_000;
const QUARTER_MS = 900_000;
function temporalOffsetMinutes(ms: number, zone: string): number {
  return zoned(ms, zone).offsetNanoseconds / 60_000_000_000;
}
function cachedOffsetMinutes(ms: number, zone: string): number {
  if (offsetCache.size > 200_000) offsetCache.clear();
  const day = Math.floor(ms / DAY_MS);
  const dayKey = `${zone}|d${day}`;
  let whole = offsetCache.get(dayKey);
  if (whole === undefined) {
    const first = temporalOffsetMinutes(day * DAY_MS, zone);
    whole = first === temporalOffsetMinutes((day + 1) * DAY_MS - 1, zone) ? first : Number.NaN;
    offsetCache.set(dayKey, whole);
  }
  if (!Number.isNaN(whole)) return whole;
  const quarter = Math.floor(ms / QUARTER_MS);
  const key = `${zone}|q${quarter}`;
  let v = offsetCache.get(key);
  if (v === undefined) {
    v = temporalOffsetMinutes(quarter * QUARTER_MS, zone);
    offsetCache.set(key, v);
  }
  return v;
}

/** What a clock in `zone` shows at `instant`. */
export function instantToZoned(instant: Date, zone: string): ZonedParts {
  const ms = instant.getTime();
  const offset = cachedOffsetMinutes(ms, zone);
  const local = new Date(ms + offset * 60_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const abs = Math.abs(offset);
  return {
    date: `${String(local.getUTCFullYear()).padStart(4, '0')}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`,
    time: `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`,
    weekday: (local.getUTCDay() === 0 ? 7 : local.getUTCDay()) as Weekday,
    offset: `${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`,
  };
}

/**
 * A calendar date as the UTC midnight of the same proleptic Gregorian date: calendar arithmetic only (no zone is
 * involved), about 50× cheaper than Temporal.PlainDate, which matters because slot computation asks for weekdays and
 * neighbouring dates once per slot. Years 1000–9999 (Date.UTC reads years below 100 as 19xx); a date that does not
 * exist is refused.
 */
function utcMidnightOf(date: LocalDate): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const utc = m && Number(m[1]) >= 1000 ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !utc || utc.getUTCFullYear() !== Number(m[1]) || utc.getUTCMonth() !== Number(m[2]) - 1 || utc.getUTCDate() !== Number(m[3])) {
    throw new RangeError(`${date} is not a calendar date (YYYY-MM-DD)`);
  }
  return utc;
}

/** Plain calendar arithmetic: `date` plus `days` (negative to go back). No zone involved. */
export function addDaysLocal(date: LocalDate, days: number): LocalDate {
  const temporal = () => Temporal.PlainDate.from(date, { overflow: 'reject' }).add({ days }).toString();
  // Years before 1000 (and results outside four-digit years, written with an expanded year): Temporal, as ever.
  if (date < '1000') return temporal();
  const out = new Date(utcMidnightOf(date).getTime() + days * 86_400_000);
  const year = out.getUTCFullYear();
  if (year < 1000 || year > 9999) return temporal();
  return `${year}-${twoDigits(out.getUTCMonth() + 1)}-${twoDigits(out.getUTCDate())}`;
}

const twoDigits = (n: number) => String(n).padStart(2, '0');

/** The ISO weekday of a calendar date. */
export function weekdayOf(date: LocalDate): Weekday {
  const day = utcMidnightOf(date).getUTCDay();
  return (day === 0 ? 7 : day) as Weekday;
}

/** The calendar dates in `zone` from the one containing `from` to the one containing `to`, both included. */
export function localDatesBetween(from: Date, to: Date, zone: string): LocalDate[] {
  if (to.getTime() < from.getTime()) return [];
  // The cached offsets and plain date arithmetic; Temporal itself only outside four-digit years.
  const firstDate = instantToZoned(from, zone).date;
  const lastDate = instantToZoned(to, zone).date;
  if (firstDate >= '1000' && lastDate <= '9999' && firstDate.length === 10 && lastDate.length === 10) {
    const dates: LocalDate[] = [];
    for (let d = firstDate; d <= lastDate; d = addDaysLocal(d, 1)) dates.push(d);
    return dates;
  }
  const first = zoned(from, zone).toPlainDate();
  const last = zoned(to, zone).toPlainDate();
  const out: LocalDate[] = [];
  for (let d = first; Temporal.PlainDate.compare(d, last) <= 0; d = d.add({ days: 1 })) out.push(d.toString());
  return out;
}

/**
 * The instants at which a clock in `zone` shows a time in [start, end) on `date`, as sorted, disjoint, half-open
 * intervals. This is exact across offset changes:
 * - a skipped hour (spring forward) simply contributes nothing: [01:00, 03:00) on the day New York jumps 02:00→03:00
 *   is one real hour, and [02:30, 04:00) starts at the jump (03:00 EDT), the first instant the clock reads ≥ 02:30;
 * - a repeated hour (fall back) counts twice when it lies wholly inside the range: [01:00, 03:00) on the day New York
 *   goes 02:00→01:00 is three real hours; a range that ends inside the repeated hour, e.g. [00:00, 01:30), is two
 *   intervals: 00:00–01:30 EDT and 01:00–01:30 EST, both times the clock shows 01:00–01:29.
 * Usually this is one interval; empty when start ≥ end or the whole range was skipped.
 */
export function wallClockIntervals(date: LocalDate, start: LocalTime, end: LocalTime, zone: string): { start: Date; end: Date }[] {
  const key = `${zone}|${date}|${start}|${end}`;
  let spans = intervalCache.get(key);
  if (spans === undefined) {
    spans = temporalWallClockIntervals(date, start, end, zone).map((i) => [i.start.getTime(), i.end.getTime()] as const);
    remember(intervalCache, key, spans);
  }
  return spans.map(([a, b]) => ({ start: new Date(a), end: new Date(b) }));
}

function temporalWallClockIntervals(date: LocalDate, start: LocalTime, end: LocalTime, zone: string): { start: Date; end: Date }[] {
  const startL = localEpochMs(date, start);
  const endL = localEpochMs(date, end);
  if (endL <= startL) return [];
  // Offsets on Earth lie within ±18 h, so every matching instant lies in [startL − 18 h, endL + 18 h).
  const windowEnd = endL + 18 * 3_600_000;
  const out: { start: Date; end: Date }[] = [];
  let segStart = startL - 18 * 3_600_000;
  while (segStart < windowEnd) {
    const here = zoned(segStart, zone);
    const offsetMs = here.offsetNanoseconds / 1_000_000;
    const next = here.getTimeZoneTransition('next');
    const segEnd = next ? Math.min(next.epochMilliseconds, windowEnd) : windowEnd;
    // Within [segStart, segEnd) the offset is constant, so the clock reads instant + offset.
    const a = Math.max(segStart, startL - offsetMs);
    const b = Math.min(segEnd, endL - offsetMs);
    if (a < b) {
      const last = out[out.length - 1];
      if (last && last.end.getTime() === a) last.end = new Date(b);
      else out.push({ start: new Date(a), end: new Date(b) });
    }
    segStart = segEnd;
  }
  return out;
}

/** Minutes east of UTC at `instant` in `zone` (Kolkata: 330, New York in summer: −240). */
export function offsetMinutesAt(instant: Date, zone: string): number {
  return cachedOffsetMinutes(instant.getTime(), zone);
}
