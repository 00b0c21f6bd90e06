import fc, { type Arbitrary } from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as time from '../../platform/time';
import { type AvailabilityPolicy, type Busy, computeSlots, type SessionLength, slotIsBookable, type TimeRange, type Weekday } from './scheduling.rules';

/**
 * Random rules, overrides and busy time around the daylight-saving changes of the four zones, checked against an
 * oracle that knows nothing of the rules module: it reads the tutor's clock every 5 minutes of a slot.
 *
 * Every boundary in these scenarios lies on a 5-minute grid of real time (ranges are whole multiples of 5 minutes,
 * the four zones' offsets are whole or half hours, slots start on their piece's grid), so reading the clock at every
 * 5 minutes is exact, not a sample.
 *
 * Slots of one query may overlap each other (they are alternatives; see SlotQuery.stepMinutes); they never do when
 * the step is at least the duration, and that is checked too.
 */

const zones = ['Asia/Kolkata', 'Australia/Sydney', 'Europe/London', 'America/New_York'] as const;
// The instants of the 2026 changes (Kolkata has none; these serve it as ordinary days).
const changes = ['2026-03-08T07:00:00Z', '2026-11-01T06:00:00Z', '2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z', '2026-04-04T16:00:00Z', '2026-10-03T16:00:00Z'].map(
  (s) => new Date(s).getTime(),
);

const MIN = 60_000;
const FIVE = 5 * MIN;
const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const minutesOf = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));

const rangeArb: Arbitrary<TimeRange> = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 287 }), fc.integer({ min: 1, max: 96 })).map(([s, len]) => ({ start: hhmm(s * 5), end: hhmm(Math.min(288, s + len) * 5) })),
  // Ranges around the changes, and ones ending at midnight.
  fc.constantFrom<TimeRange>(
    { start: '00:00', end: '04:00' },
    { start: '01:00', end: '03:00' },
    { start: '01:30', end: '02:30' },
    { start: '02:30', end: '04:00' },
    { start: '00:00', end: '01:30' },
    { start: '22:00', end: '24:00' },
    { start: '16:00', end: '20:00' },
  ),
);

const scenarioArb = fc.record({
  zone: fc.constantFrom(...zones),
  rules: fc.array(fc.record({ weekday: fc.integer({ min: 1, max: 7 }).map((d) => d as Weekday), range: rangeArb }), { minLength: 1, maxLength: 14 }),
  overrides: fc.array(fc.record({ dayOffset: fc.integer({ min: -1, max: 5 }), ranges: fc.array(rangeArb, { maxLength: 3 }) }), { maxLength: 3 }),
  durations: fc.subarray([30, 45, 60] as SessionLength[], { minLength: 1 }),
  // Mostly a length the tutor offers (index into durations); 0–2 here: any length, offered or not.
  durationIndex: fc.integer({ min: 0, max: 2 }),
  anyDuration: fc.integer({ min: 0, max: 9 }),
  buffer: fc.constantFrom(0, 5, 10, 15, 30),
  noticeMinutes: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 12 * 60 }), fc.integer({ min: 0, max: 48 * 60 })),
  maxPerDay: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
  horizonDays: fc.integer({ min: 1, max: 8 }),
  change: fc.constantFrom(...changes),
  nowOffsetMs: fc.integer({ min: -3 * 1440 * MIN, max: 1440 * MIN }),
  fromOffsetMinutes: fc.integer({ min: -720, max: 1440 }),
  windowMinutes: fc.integer({ min: 0, max: 3 * 1440 }),
  step: fc.constantFrom(0, 5, 5, 15, 30, 60), // 0: the default
  busy: fc.array(
    fc.record({ offsetMinutes: fc.integer({ min: -1440, max: 4 * 1440 }), minutes: fc.integer({ min: 0, max: 240 }), kind: fc.constantFrom<Busy['kind']>('booking', 'instant') }),
    { maxLength: 8 },
  ),
});

describe('slots, for random policies, busy time and windows', () => {
  it('keep every rule, and with a 5-minute step are exactly the starts that do', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const now = new Date(sc.change + sc.nowOffsetMs);
        const today = time.instantToZoned(now, sc.zone).date;
        const p: AvailabilityPolicy = {
          timeZone: sc.zone,
          rules: sc.rules.map((r) => ({ weekday: r.weekday, ...r.range })),
          overrides: sc.overrides.map((o) => ({ date: time.addDaysLocal(today, o.dayOffset), ranges: o.ranges })),
          durationsMinutes: sc.durations,
          bufferMinutes: sc.buffer,
          minNoticeMinutes: sc.noticeMinutes,
          maxPerDay: sc.maxPerDay,
          horizonDays: sc.horizonDays,
        };
        const busy: Busy[] = sc.busy.map((b) => {
          const start = new Date(now.getTime() + b.offsetMinutes * MIN);
          return { start, end: new Date(start.getTime() + b.minutes * MIN), kind: b.kind };
        });
        const from = new Date(now.getTime() + sc.fromOffsetMinutes * MIN);
        const to = new Date(from.getTime() + sc.windowMinutes * MIN);
        const step = sc.step === 0 ? undefined : sc.step;
        const duration = sc.anyDuration < 3 ? [30, 45, 60][sc.anyDuration]! : sc.durations[sc.durationIndex % sc.durations.length]!;
        const durMs = duration * MIN;
        const bufMs = sc.buffer * MIN;

        const slots = computeSlots(p, busy, { from, to, now, durationMinutes: duration, ...(step ? { stepMinutes: step } : {}) }, time);

        // ---- the oracle: declared availability, read off the tutor's clock ----
        const readings = new Map<number, time.ZonedParts>();
        const read = (t: number) => {
          let r = readings.get(t);
          if (!r) readings.set(t, (r = time.instantToZoned(new Date(t), sc.zone)));
          return r;
        };
        /** Minute-of-day runs (merged ranges) declared for a date: an override replaces the weekly rules. */
        const covered = new Map<string, Int32Array>();
        const runOf = (date: string) => {
          let run = covered.get(date);
          if (!run) {
            const overrides = p.overrides.filter((o) => o.date === date);
            const ranges = overrides.length ? overrides.flatMap((o) => o.ranges) : p.rules.filter((r) => r.weekday === time.weekdayOf(date));
            const on = new Uint8Array(1440);
            for (const r of ranges) for (let m = minutesOf(r.start); m < minutesOf(r.end); m++) on[m] = 1;
            // run[m] = the id of the maximal covered run containing minute m, or -1.
            run = new Int32Array(1440).fill(-1);
            for (let m = 0; m < 1440; m++) if (on[m]) run[m] = m > 0 && on[m - 1] ? run[m - 1]! : m;
            covered.set(date, run);
          }
          return run;
        };
        const bookings = new Map<string, number>();
        for (const b of busy) if (b.kind === 'booking' && b.end > b.start) bookings.set(read(b.start.getTime()).date, (bookings.get(read(b.start.getTime()).date) ?? 0) + 1);
        const clashes = (s: number, e: number) => busy.some((b) => b.end > b.start && b.start.getTime() < e + bufMs && b.end.getTime() > s - bufMs);
        /** Whether the tutor's clock reads inside one declared run of `date` at every 5 minutes of [s, s + duration). */
        const insideOneRange = (s: number, date: string) => {
          const run = runOf(date);
          let id: number | null = null;
          for (let t = s; t < s + durMs; t += FIVE) {
            const r = read(t);
            const here = run[minutesOf(r.time)]!;
            if (r.date !== date || here < 0 || (id !== null && here !== id)) return false;
            id = here;
          }
          return true;
        };
        const earliest = now.getTime() + p.minNoticeMinutes * MIN;
        const horizon = now.getTime() + p.horizonDays * 86_400_000;
        const offered = (p.durationsMinutes as number[]).includes(duration);
        const keepsRules = (s: number) => {
          const date = read(s).date;
          return (
            offered &&
            s >= from.getTime() &&
            s < to.getTime() &&
            s >= earliest &&
            s + durMs <= horizon &&
            !clashes(s, s + durMs) &&
            (p.maxPerDay === null || (bookings.get(date) ?? 0) < p.maxPerDay) &&
            insideOneRange(s, date)
          );
        };

        // ---- soundness: every slot keeps every rule ----
        const faults: string[] = [];
        const fault = (ok: boolean, what: string, slot: (typeof slots)[number]) => {
          if (!ok) faults.push(`${slot.start.toISOString()} (${slot.tutorLocal.date} ${slot.tutorLocal.start}${slot.tutorLocal.offset}): ${what}`);
        };
        slots.forEach((slot, i) => {
          const s = slot.start.getTime();
          fault(slot.end.getTime() - s === durMs, 'lasts the duration', slot);
          fault(read(s).date === slot.tutorLocal.date && read(s).time === slot.tutorLocal.start, "tutorLocal matches the tutor's clock", slot);
          fault(s >= from.getTime() && s < to.getTime(), 'starts in [from, to)', slot);
          fault(s >= earliest, 'starts after now + notice', slot);
          fault(s + durMs <= horizon, 'ends within the horizon', slot);
          fault(!clashes(s, s + durMs), 'keeps busy time and its buffer clear', slot);
          fault(insideOneRange(s, slot.tutorLocal.date), 'lies inside one declared range of its date', slot);
          fault(p.maxPerDay === null || (bookings.get(slot.tutorLocal.date) ?? 0) < p.maxPerDay, 'falls on a date below the daily cap', slot);
          fault(offered, 'has an offered length', slot);
          // slotIsBookable recomputes the day: check a sample to keep the run short.
          if (i % 5 === 0) fault(slotIsBookable(p, busy, slot.start, duration, now, time, step), 'is bookable', slot);
          const previous = slots[i - 1];
          if (previous) {
            fault(s > previous.start.getTime(), 'sorted, no duplicates', slot);
            if ((step ?? 15) >= duration) fault(s >= previous.end.getTime(), 'does not overlap the slot before (step ≥ duration)', slot);
          }
        });
        expect(faults).toEqual([]);

        // ---- completeness: with a 5-minute step, every start on the grid that keeps the rules is offered ----
        if (step === 5) {
          const starts = new Set(slots.map((s) => s.start.getTime()));
          const first = Math.ceil(Math.max(from.getTime(), earliest) / FIVE) * FIVE;
          const wrong: string[] = [];
          for (let s = first; s < to.getTime(); s += FIVE) {
            if (starts.has(s) !== keepsRules(s)) wrong.push(`${new Date(s).toISOString()} ${starts.has(s) ? 'offered but breaks a rule' : 'keeps the rules but is not offered'}`);
          }
          expect(wrong).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
  });
});
