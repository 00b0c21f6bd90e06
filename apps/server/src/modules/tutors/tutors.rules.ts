/**
 * Pure decisions for tutor discovery (issue #6): the public rating, relevance, parts of the day, and the
 * "has a qualifying slot" check with an early exit. No I/O; time zones go through the `zones` functions that
 * callers pass in (the platform time module), as in scheduling.rules.ts.
 */
import type { TimeOfDay } from '@tutorline/contracts';
import { type AvailabilityPolicy, type Busy, computeSlots, type SessionLength, type ZoneOps } from '../scheduling/scheduling.rules';

export type { AvailabilityPolicy, Busy, SessionLength, ZoneOps };

const DAY_MS = 86_400_000;

// ---------- rating and sessions ----------

export interface RatingFigures {
  /** Booking reviews (tutor_profiles.review_sum / review_count). */
  reviewSum: number;
  reviewCount: number;
  /** Instant-help ratings (tutor_help_stats.rating_sum / rating_count). */
  helpRatingSum: number;
  helpRatingCount: number;
}

/** The public rating: the plain average over booking reviews and instant-help ratings together, to one decimal. */
export function publicRating(f: RatingFigures): { average: number | null; count: number } {
  const count = f.reviewCount + f.helpRatingCount;
  if (count === 0) return { average: null, count: 0 };
  return { average: Math.round(((f.reviewSum + f.helpRatingSum) / count) * 10) / 10, count };
}

// ---------- relevance ----------

/**
 * Relevance, the default sort. Higher first; ties by id (so pages are stable):
 *
 *   score = bayes + SESSIONS_WEIGHT · ln(1 + sessions) + (favourite ? FAVOURITE_BONUS : 0)
 *   bayes = (PRIOR_MEAN · PRIOR_WEIGHT + ratingSum) / (PRIOR_WEIGHT + ratingCount)
 *
 * The Bayesian average pulls a tutor with few ratings towards PRIOR_MEAN (as if they had PRIOR_WEIGHT ratings of
 * PRIOR_MEAN stars), so one 5-star review does not beat fifty 4.8s, and a new tutor starts just below the middle of
 * good tutors instead of at the bottom. Experience counts with diminishing returns (100 sessions ≈ +0.69, 1,000 ≈
 * +1.04), and the caller's own favourites come first among otherwise similar tutors (+0.5 ≈ half a star).
 * The same formula is written in SQL in tutors.repo.ts (relevanceSql); the integration test checks they agree.
 */
export const RELEVANCE = { PRIOR_MEAN: 4.0, PRIOR_WEIGHT: 5, SESSIONS_WEIGHT: 0.15, FAVOURITE_BONUS: 0.5 } as const;

export function relevanceScore(t: { ratingSum: number; ratingCount: number; sessions: number; favourite: boolean }): number {
  const bayes = (RELEVANCE.PRIOR_MEAN * RELEVANCE.PRIOR_WEIGHT + t.ratingSum) / (RELEVANCE.PRIOR_WEIGHT + t.ratingCount);
  return bayes + RELEVANCE.SESSIONS_WEIGHT * Math.log(1 + t.sessions) + (t.favourite ? RELEVANCE.FAVOURITE_BONUS : 0);
}

// ---------- parts of the day ----------

/**
 * The part of the day of a wall-clock time 'HH:MM': morning 06:00–12:00, afternoon 12:00–17:00,
 * evening 17:00–21:00, night 21:00–06:00 (each start included, end excluded).
 */
export function partOfDay(time: string): TimeOfDay {
  const h = Number(time.slice(0, 2));
  if (h >= 6 && h < 12) return 'morning';
  if (h >= 12 && h < 17) return 'afternoon';
  if (h >= 17 && h < 21) return 'evening';
  return 'night';
}

// ---------- availability filter ----------

export interface AvailabilityFilter {
  now: Date;
  /** A qualifying slot starts in [now, now + days). */
  days: number;
  /** When set, the slot's start read in `zone` must fall in one of these parts of the day. */
  timesOfDay?: readonly TimeOfDay[] | undefined;
  zone?: string | undefined;
}

/** The parts of the day as wall-clock ranges; night runs past midnight into the next date. */
const partRanges: Record<TimeOfDay, { start: string; end: string; nextDay: boolean }> = {
  morning: { start: '06:00', end: '12:00', nextDay: false },
  afternoon: { start: '12:00', end: '17:00', nextDay: false },
  evening: { start: '17:00', end: '21:00', nextDay: false },
  night: { start: '21:00', end: '06:00', nextDay: true },
};

export interface Window {
  from: Date;
  to: Date;
}

/**
 * Where a qualifying slot may start, as sorted, disjoint instant windows no longer than 24 hours: [now, now + days)
 * cut into days, or, with timesOfDay, the learner-zone parts of the day inside it (e.g. every 06:00–12:00 in
 * America/New_York). Computed once per search and shared by all tutors; a slot starts in a window exactly when it
 * qualifies, so no slot needs converting to the learner's zone afterwards.
 */
export function searchWindows(f: AvailabilityFilter, zones: Pick<ZoneOps, 'instantToZoned' | 'zonedToInstant' | 'addDaysLocal'>): Window[] {
  const start = f.now.getTime();
  const end = start + f.days * DAY_MS;
  const raw: [number, number][] = [];
  const parts = f.timesOfDay && f.timesOfDay.length ? [...new Set(f.timesOfDay)] : null;
  if (!parts) {
    raw.push([start, end]);
  } else {
    if (!f.zone) throw new RangeError('timesOfDay needs a zone');
    // From the learner's date before now (its night reaches into today) to the date of the end.
    const last = zones.instantToZoned(new Date(end), f.zone).date;
    for (let date = zones.addDaysLocal(zones.instantToZoned(f.now, f.zone).date, -1); date <= last; date = zones.addDaysLocal(date, 1)) {
      for (const part of parts) {
        const r = partRanges[part];
        const a = zones.zonedToInstant(date, r.start, f.zone, 'compatible').getTime();
        const b = zones.zonedToInstant(r.nextDay ? zones.addDaysLocal(date, 1) : date, r.end, f.zone, 'compatible').getTime();
        const from = Math.max(a, start);
        const to = Math.min(b, end);
        if (from < to) raw.push([from, to]);
      }
    }
  }
  raw.sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const [a, b] of raw) {
    const prev = merged[merged.length - 1];
    if (prev && a <= prev[1]) prev[1] = Math.max(prev[1], b);
    else merged.push([a, b]);
  }
  const out: Window[] = [];
  for (const [a, b] of merged) for (let from = a; from < b; from += DAY_MS) out.push({ from: new Date(from), to: new Date(Math.min(from + DAY_MS, b)) });
  return out;
}

/**
 * Whether the tutor has at least one bookable slot starting in one of the windows (searchWindows), using the
 * shortest length they offer (a longer slot always contains a shorter one at its start, so no length can qualify
 * when the shortest does not).
 *
 * Early exit: windows are tried in time order and the search stops at the first one holding a slot, so a tutor free
 * tomorrow costs one day of computation, not `days` of them. Pass a memoising `zones` (memoZoneOps) when checking
 * many tutors. The busy intervals must cover the windows plus a day each side (daily caps and buffers).
 */
export function hasQualifyingSlot(p: AvailabilityPolicy, busy: Busy[], windows: readonly Window[], now: Date, zones: ZoneOps): boolean {
  if (p.durationsMinutes.length === 0) return false;
  const durationMinutes = Math.min(...p.durationsMinutes);
  const horizonEnd = now.getTime() + p.horizonDays * DAY_MS;
  for (const w of windows) {
    if (w.from.getTime() >= horizonEnd) return false;
    if (computeSlots(p, busy, { from: w.from, to: w.to, now, durationMinutes }, zones).length) return true;
  }
  return false;
}

/**
 * The zone functions with memoised answers for the calendar-only and wall-clock ones (same inputs, same answers),
 * for one search: a thousand tutors in a handful of zones ask for the same dates and ranges again and again, and
 * each of these costs 20–450 µs in the Temporal polyfill. instantToZoned is passed through (already cached).
 */
export function memoZoneOps(base: ZoneOps): ZoneOps {
  const intervals = new Map<string, { start: Date; end: Date }[]>();
  const dates = new Map<string, string[]>();
  const weekdays = new Map<string, ReturnType<ZoneOps['weekdayOf']>>();
  const added = new Map<string, string>();
  return {
    instantToZoned: base.instantToZoned,
    zonedToInstant: base.zonedToInstant,
    wallClockIntervals(date, start, end, zone) {
      const key = `${zone}|${date}|${start}|${end}`;
      let v = intervals.get(key);
      if (!v) intervals.set(key, (v = base.wallClockIntervals(date, start, end, zone)));
      return v;
    },
    localDatesBetween(from, to, zone) {
      const key = `${zone}|${from.getTime()}|${to.getTime()}`;
      let v = dates.get(key);
      if (!v) dates.set(key, (v = base.localDatesBetween(from, to, zone)));
      return v;
    },
    weekdayOf(date) {
      let v = weekdays.get(date);
      if (v === undefined) weekdays.set(date, (v = base.weekdayOf(date)));
      return v;
    },
    addDaysLocal(date, days) {
      const key = `${date}|${days}`;
      let v = added.get(key);
      if (v === undefined) added.set(key, (v = base.addDaysLocal(date, days)));
      return v;
    },
  };
}

// ---------- review pagination ----------

/** An opaque cursor for review pages: the last review's (createdAt, bookingId). */
export function encodeReviewCursor(createdAt: Date, bookingId: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${bookingId}`).toString('base64url');
}

export function decodeReviewCursor(cursor: string): { createdAt: Date; bookingId: string } | null {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\|([0-9a-f-]{36})$/.exec(text);
  if (!m) return null;
  const createdAt = new Date(m[1]!);
  return Number.isNaN(createdAt.getTime()) ? null : { createdAt, bookingId: m[2]! };
}

/** The first name only: reviews show "Aarav", not a child's full name. */
export function reviewerName(displayName: string): string {
  return displayName.trim().split(/\s+/)[0] || 'A student';
}

/** The first part of the bio for a result card: at most 200 characters, cut at a word. */
export function headlineOf(bio: string): string {
  const text = bio.trim().replace(/\s+/g, ' ');
  if (text.length <= 200) return text;
  const cut = text.slice(0, 199);
  const space = cut.lastIndexOf(' ');
  return `${(space > 120 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
