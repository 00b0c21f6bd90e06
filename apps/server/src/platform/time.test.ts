import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import {
  addDaysLocal,
  instantToZoned,
  isValidTimeZone,
  localDatesBetween,
  minutesOfDay,
  offsetMinutesAt,
  startOfDayIn,
  wallClockIntervals,
  weekdayOf,
  zonedToInstant,
} from './time';

describe('startOfDayIn', () => {
  it('finds local midnight in zones on both sides of UTC', () => {
    const now = new Date('2026-11-22T20:00:00Z');
    expect(startOfDayIn('Asia/Kolkata', now).toISOString()).toBe('2026-11-22T18:30:00.000Z'); // already the 23rd there
    expect(startOfDayIn('America/New_York', now).toISOString()).toBe('2026-11-22T05:00:00.000Z');
    expect(startOfDayIn('UTC', now).toISOString()).toBe('2026-11-22T00:00:00.000Z');
  });
});

const iso = (d: Date) => d.toISOString();
const hours = (ivs: { start: Date; end: Date }[]) => ivs.reduce((sum, iv) => sum + (iv.end.getTime() - iv.start.getTime()), 0) / 3_600_000;
const spans = (ivs: { start: Date; end: Date }[]) => ivs.map((iv) => `${iso(iv.start)}/${iso(iv.end)}`);

describe('zonedToInstant', () => {
  it('converts ordinary wall-clock times, including the +05:30 half hour and 24:00', () => {
    expect(iso(zonedToInstant('2026-06-01', '16:00', 'Asia/Kolkata'))).toBe('2026-06-01T10:30:00.000Z');
    expect(iso(zonedToInstant('2026-01-15', '16:00', 'America/New_York'))).toBe('2026-01-15T21:00:00.000Z');
    expect(iso(zonedToInstant('2026-07-15', '16:00', 'America/New_York'))).toBe('2026-07-15T20:00:00.000Z');
    expect(iso(zonedToInstant('2026-07-15', '24:00', 'Europe/London'))).toBe('2026-07-15T23:00:00.000Z');
  });

  it('resolves a skipped time as told (New York, 2026-03-08 02:00→03:00)', () => {
    expect(iso(zonedToInstant('2026-03-08', '02:30', 'America/New_York', 'compatible'))).toBe('2026-03-08T07:30:00.000Z'); // 03:30 EDT
    expect(iso(zonedToInstant('2026-03-08', '02:30', 'America/New_York', 'later'))).toBe('2026-03-08T07:30:00.000Z');
    expect(iso(zonedToInstant('2026-03-08', '02:30', 'America/New_York', 'earlier'))).toBe('2026-03-08T06:30:00.000Z'); // 01:30 EST
    expect(() => zonedToInstant('2026-03-08', '02:30', 'America/New_York', 'reject')).toThrow(RangeError);
  });

  it('resolves a repeated time as told (New York, 2026-11-01 02:00→01:00)', () => {
    expect(iso(zonedToInstant('2026-11-01', '01:30', 'America/New_York', 'earlier'))).toBe('2026-11-01T05:30:00.000Z'); // EDT
    expect(iso(zonedToInstant('2026-11-01', '01:30', 'America/New_York', 'compatible'))).toBe('2026-11-01T05:30:00.000Z');
    expect(iso(zonedToInstant('2026-11-01', '01:30', 'America/New_York', 'later'))).toBe('2026-11-01T06:30:00.000Z'); // EST
    expect(() => zonedToInstant('2026-11-01', '01:30', 'America/New_York', 'reject')).toThrow(RangeError);
  });

  it('refuses malformed dates and times', () => {
    expect(() => zonedToInstant('2026-02-30', '10:00', 'UTC')).toThrow(RangeError);
    expect(() => zonedToInstant('2026-02-01', '25:00', 'UTC')).toThrow(RangeError);
    expect(() => zonedToInstant('2026-02-01', '9:00', 'UTC')).toThrow(RangeError);
    expect(() => minutesOfDay('24:30')).toThrow(RangeError);
    expect(minutesOfDay('24:00')).toBe(1440);
  });
});

describe('instantToZoned', () => {
  it('reads the clock, weekday and offset, on both sides of the date line', () => {
    const t = new Date('2026-11-02T21:00:00Z'); // Monday 16:00 in New York
    expect(instantToZoned(t, 'America/New_York')).toEqual({ date: '2026-11-02', time: '16:00', weekday: 1, offset: '-05:00' });
    expect(instantToZoned(t, 'Australia/Sydney')).toEqual({ date: '2026-11-03', time: '08:00', weekday: 2, offset: '+11:00' });
    expect(instantToZoned(t, 'Asia/Kolkata')).toEqual({ date: '2026-11-03', time: '02:30', weekday: 2, offset: '+05:30' });
  });

  it('tells the two 01:30s of a fall-back night apart by their offset', () => {
    expect(instantToZoned(new Date('2026-11-01T05:30:00Z'), 'America/New_York')).toMatchObject({ time: '01:30', offset: '-04:00' });
    expect(instantToZoned(new Date('2026-11-01T06:30:00Z'), 'America/New_York')).toMatchObject({ time: '01:30', offset: '-05:00' });
  });
});

describe('calendar helpers', () => {
  it('adds days and names weekdays without any zone', () => {
    expect(addDaysLocal('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDaysLocal('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDaysLocal('2026-01-01', -1)).toBe('2025-12-31');
    expect(weekdayOf('2026-03-09')).toBe(1);
    expect(weekdayOf('2026-03-08')).toBe(7);
  });

  it('names the same weekday as Temporal for every date of 1999–2031, and refuses dates that do not exist', () => {
    const mismatches: string[] = [];
    for (let d = '1999-01-01'; d < '2032-01-01'; d = addDaysLocal(d, 1)) {
      if (weekdayOf(d) !== Temporal.PlainDate.from(d).dayOfWeek) mismatches.push(d);
    }
    expect(mismatches).toEqual([]);
    for (const bad of ['2026-02-29', '2026-13-01', '2026-00-10', '2026-04-31', '26-01-01', '2026-1-1', '']) expect(() => weekdayOf(bad)).toThrow(RangeError);
    expect(weekdayOf('2028-02-29')).toBe(2);
  });

  // Every date of 1999–2031 with ±1 (month, year and leap-day edges), then every third date with the long steps: about
  // 60,000 comparisons instead of 132,000, because Temporal's polyfill costs ~30 µs a call and CI machines are slow.
  it('adds days as Temporal does, for every date of 1999–2031 and steps of up to ±800 days, and refuses dates that do not exist', () => {
    const mismatches: string[] = [];
    let n = 0;
    for (let d = '1999-01-01'; d < '2032-01-01'; d = addDaysLocal(d, 1), n++) {
      const base = Temporal.PlainDate.from(d);
      const steps = n % 3 === 0 ? [-800, -366, -31, -2, -1, 1, 2, 29, 365, 800] : [-1, 1];
      for (const days of steps) {
        const want = base.add({ days }).toString();
        if (addDaysLocal(d, days) !== want) mismatches.push(`${d} ${days}: ${addDaysLocal(d, days)} ≠ ${want}`);
      }
      if (addDaysLocal(d, 0) !== d) mismatches.push(`${d} 0`);
    }
    expect(mismatches).toEqual([]);
    expect(n).toBe(12_053);
    expect(addDaysLocal('0999-12-31', 1)).toBe('1000-01-01');
    expect(addDaysLocal('9999-12-31', 1)).toBe('+010000-01-01');
    for (const bad of ['2026-02-29', '2026-13-01', '2026-04-31', '26-01-01', '']) expect(() => addDaysLocal(bad, 1)).toThrow(RangeError);
  }, 20_000);

  it('lists the local dates an interval touches', () => {
    const from = new Date('2026-11-02T20:00:00Z');
    const to = new Date('2026-11-03T02:00:00Z');
    expect(localDatesBetween(from, to, 'America/New_York')).toEqual(['2026-11-02']);
    expect(localDatesBetween(from, to, 'Europe/London')).toEqual(['2026-11-02', '2026-11-03']);
    expect(localDatesBetween(to, from, 'UTC')).toEqual([]);
  });

  it('knows valid zones and offsets', () => {
    expect(isValidTimeZone('Asia/Kolkata')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(offsetMinutesAt(new Date('2026-01-01T00:00:00Z'), 'Asia/Kolkata')).toBe(330);
    expect(offsetMinutesAt(new Date('2026-07-01T00:00:00Z'), 'America/New_York')).toBe(-240);
  });
});

describe('wallClockIntervals', () => {
  it('is one interval on an ordinary day, empty for an empty range', () => {
    expect(spans(wallClockIntervals('2026-06-01', '16:00', '20:00', 'Asia/Kolkata'))).toEqual(['2026-06-01T10:30:00.000Z/2026-06-01T14:30:00.000Z']);
    expect(wallClockIntervals('2026-06-01', '16:00', '16:00', 'Asia/Kolkata')).toEqual([]);
    expect(spans(wallClockIntervals('2026-06-01', '22:00', '24:00', 'UTC'))).toEqual(['2026-06-01T22:00:00.000Z/2026-06-02T00:00:00.000Z']);
  });

  it('leaves out a skipped hour: New York 2026-03-08', () => {
    expect(hours(wallClockIntervals('2026-03-08', '01:00', '03:00', 'America/New_York'))).toBe(1);
    // starts in the gap: from the jump, 03:00 EDT
    expect(spans(wallClockIntervals('2026-03-08', '02:30', '04:00', 'America/New_York'))).toEqual(['2026-03-08T07:00:00.000Z/2026-03-08T08:00:00.000Z']);
    // ends in the gap: at the jump
    expect(spans(wallClockIntervals('2026-03-08', '00:00', '02:30', 'America/New_York'))).toEqual(['2026-03-08T05:00:00.000Z/2026-03-08T07:00:00.000Z']);
    // wholly in the gap: nothing
    expect(wallClockIntervals('2026-03-08', '02:00', '03:00', 'America/New_York')).toEqual([]);
  });

  it('counts a repeated hour twice: New York 2026-11-01', () => {
    expect(spans(wallClockIntervals('2026-11-01', '01:00', '03:00', 'America/New_York'))).toEqual(['2026-11-01T05:00:00.000Z/2026-11-01T08:00:00.000Z']);
    // ends inside the repeated hour: both times the clock shows 01:00–01:29
    expect(spans(wallClockIntervals('2026-11-01', '00:00', '01:30', 'America/New_York'))).toEqual([
      '2026-11-01T04:00:00.000Z/2026-11-01T05:30:00.000Z',
      '2026-11-01T06:00:00.000Z/2026-11-01T06:30:00.000Z',
    ]);
    // starts inside it
    expect(spans(wallClockIntervals('2026-11-01', '01:30', '02:30', 'America/New_York'))).toEqual([
      '2026-11-01T05:30:00.000Z/2026-11-01T06:00:00.000Z',
      '2026-11-01T06:30:00.000Z/2026-11-01T07:30:00.000Z',
    ]);
  });

  it('handles southern daylight saving: Sydney 2026-04-05 (back) and 2026-10-04 (forward)', () => {
    expect(hours(wallClockIntervals('2026-04-05', '02:00', '03:00', 'Australia/Sydney'))).toBe(2);
    expect(hours(wallClockIntervals('2026-10-04', '01:00', '04:00', 'Australia/Sydney'))).toBe(2);
    expect(hours(wallClockIntervals('2026-04-05', '00:00', '24:00', 'Australia/Sydney'))).toBe(25);
    expect(hours(wallClockIntervals('2026-10-04', '00:00', '24:00', 'Australia/Sydney'))).toBe(23);
  });
});

describe('instantToZoned: the cached offsets agree with Temporal everywhere', () => {
  it('for random instants over 2026–2027 in zones with and without DST, half- and quarter-hour offsets', async () => {
    const zones = ['America/New_York', 'Europe/London', 'Australia/Sydney', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns', 'UTC'];
    const from = Date.parse('2026-01-01T00:00:00Z');
    const span = Date.parse('2028-01-01T00:00:00Z') - from;
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 4000; i++) {
      const zone = zones[i % zones.length]!;
      // Half the samples a minute either side of the zone's transitions, where a cache would go wrong.
      const ms = Math.floor(from + rand() * span);
      for (const at of [ms, ms - 60_000, ms + 60_000]) {
        const z = Temporal.Instant.fromEpochMilliseconds(at).toZonedDateTimeISO(zone);
        const pad = (n: number) => String(n).padStart(2, '0');
        expect(instantToZoned(new Date(at), zone)).toEqual({ date: z.toPlainDate().toString(), time: `${pad(z.hour)}:${pad(z.minute)}`, weekday: z.dayOfWeek, offset: z.offset });
      }
    }
    for (const zone of ['America/New_York', 'Europe/London', 'Australia/Sydney', 'Australia/Lord_Howe']) {
      // Every transition in the two years, and the minutes around it.
      let t = Temporal.Instant.fromEpochMilliseconds(from).toZonedDateTimeISO(zone);
      for (;;) {
        const next = t.getTimeZoneTransition('next');
        if (!next || next.epochMilliseconds > from + span) break;
        for (const d of [-60_000, -1, 0, 1, 60_000]) {
          const at = next.epochMilliseconds + d;
          const z = Temporal.Instant.fromEpochMilliseconds(at).toZonedDateTimeISO(zone);
          expect(instantToZoned(new Date(at), zone).offset).toBe(z.offset);
        }
        t = next;
      }
    }
  });
});

describe('memoised zone arithmetic (#17: slot searches over many tutors ask the same again and again)', () => {
  it('answers a repeated question the same, with fresh Dates a caller may change without harming the next answer', () => {
    const first = wallClockIntervals('2026-11-01', '00:00', '03:00', 'America/New_York');
    first[0]!.start.setTime(0);
    first.push({ start: new Date(1), end: new Date(2) });
    expect(spans(wallClockIntervals('2026-11-01', '00:00', '03:00', 'America/New_York'))).toEqual(['2026-11-01T04:00:00.000Z/2026-11-01T08:00:00.000Z']);
    const at = zonedToInstant('2026-03-08', '02:30', 'America/New_York');
    at.setTime(0);
    expect(iso(zonedToInstant('2026-03-08', '02:30', 'America/New_York'))).toBe('2026-03-08T07:30:00.000Z');
    expect(() => zonedToInstant('2026-03-08', '02:30', 'America/New_York', 'reject')).toThrow();
  });

  it('gives the same local dates as Temporal, across a year of zones with and without daylight saving', () => {
    for (const zone of ['America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham', 'UTC']) {
      for (let d = 0; d < 365; d += 7) {
        const from = new Date(Date.UTC(2026, 0, 1) + d * 86_400_000 + d * 3_600_000);
        const to = new Date(from.getTime() + 3 * 86_400_000 + 7 * 3_600_000);
        const first = Temporal.Instant.fromEpochMilliseconds(from.getTime()).toZonedDateTimeISO(zone).toPlainDate();
        const last = Temporal.Instant.fromEpochMilliseconds(to.getTime()).toZonedDateTimeISO(zone).toPlainDate();
        const want: string[] = [];
        for (let x = first; Temporal.PlainDate.compare(x, last) <= 0; x = x.add({ days: 1 })) want.push(x.toString());
        expect(localDatesBetween(from, to, zone)).toEqual(want);
      }
    }
  });
});
