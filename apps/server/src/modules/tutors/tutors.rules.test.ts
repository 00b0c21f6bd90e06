import { describe, expect, it } from 'vitest';
import * as time from '../../platform/time';
import { type AvailabilityPolicy, type Busy, computeSlots, type ZoneOps } from '../scheduling/scheduling.rules';
import { decodeReviewCursor, encodeReviewCursor, hasQualifyingSlot, headlineOf, memoZoneOps, partOfDay, publicRating, relevanceScore, reviewerName, searchWindows } from './tutors.rules';

/** Monday 30 November 2026, 00:00 UTC. */
const NOW = new Date('2026-11-30T00:00:00.000Z');

/** Kolkata evenings 18:00–21:00 every day: 12:30–15:30 UTC; 07:30–10:30 in New York; 23:30–02:30 in Sydney. */
const kolkataEvenings: AvailabilityPolicy = {
  timeZone: 'Asia/Kolkata',
  rules: ([1, 2, 3, 4, 5, 6, 7] as const).map((weekday) => ({ weekday, start: '18:00', end: '21:00' })),
  overrides: [],
  durationsMinutes: [60],
  bufferMinutes: 0,
  minNoticeMinutes: 60,
  maxPerDay: null,
  horizonDays: 30,
};

function countingZones() {
  const calls = { localDatesBetween: 0 };
  const zones: ZoneOps = { ...time, localDatesBetween: (from, to, zone) => (calls.localDatesBetween++, time.localDatesBetween(from, to, zone)) };
  return { zones, calls };
}

describe('partOfDay', () => {
  it.each([
    ['06:00', 'morning'],
    ['11:59', 'morning'],
    ['12:00', 'afternoon'],
    ['16:59', 'afternoon'],
    ['17:00', 'evening'],
    ['20:59', 'evening'],
    ['21:00', 'night'],
    ['23:45', 'night'],
    ['00:00', 'night'],
    ['05:59', 'night'],
  ])('%s is %s', (t, part) => expect(partOfDay(t)).toBe(part));
});

describe('publicRating', () => {
  it('averages booking reviews and instant-help ratings together, to one decimal; null before any', () => {
    expect(publicRating({ reviewSum: 0, reviewCount: 0, helpRatingSum: 0, helpRatingCount: 0 })).toEqual({ average: null, count: 0 });
    expect(publicRating({ reviewSum: 9, reviewCount: 2, helpRatingSum: 4, helpRatingCount: 1 })).toEqual({ average: 4.3, count: 3 });
    expect(publicRating({ reviewSum: 0, reviewCount: 0, helpRatingSum: 15, helpRatingCount: 3 })).toEqual({ average: 5, count: 3 });
  });
});

describe('relevanceScore', () => {
  const base = { ratingSum: 0, ratingCount: 0, sessions: 0, favourite: false };
  it('does not let one 5-star review beat fifty 4.8s (Bayesian prior)', () => {
    expect(relevanceScore({ ...base, ratingSum: 240, ratingCount: 50 })).toBeGreaterThan(relevanceScore({ ...base, ratingSum: 5, ratingCount: 1 }));
  });
  it('puts a new tutor at the prior, above a tutor with many poor ratings', () => {
    expect(relevanceScore(base)).toBeCloseTo(4.0);
    expect(relevanceScore(base)).toBeGreaterThan(relevanceScore({ ...base, ratingSum: 60, ratingCount: 20 }));
  });
  it('adds experience with diminishing returns and lifts the viewer’s favourites', () => {
    const s = (sessions: number) => relevanceScore({ ...base, sessions });
    expect(s(10)).toBeGreaterThan(s(0));
    // Each further session counts less: the 10 after the first 100 add less than the first 10.
    expect(s(110) - s(100)).toBeLessThan(s(10) - s(0));
    expect(relevanceScore({ ...base, favourite: true }) - relevanceScore(base)).toBeCloseTo(0.5);
  });
});

type Part = 'morning' | 'afternoon' | 'evening' | 'night';
const qualifies = (p: AvailabilityPolicy, busy: Busy[], days: number, timesOfDay?: Part[], zone?: string, zones: ZoneOps = time) =>
  hasQualifyingSlot(p, busy, searchWindows({ now: NOW, days, timesOfDay, zone }, time), NOW, zones);

describe('searchWindows', () => {
  it('cuts the range into days without parts of the day', () => {
    const w = searchWindows({ now: NOW, days: 2.5 }, time);
    expect(w.map((x) => [x.from.toISOString(), x.to.toISOString()])).toEqual([
      ['2026-11-30T00:00:00.000Z', '2026-12-01T00:00:00.000Z'],
      ['2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z'],
      ['2026-12-02T00:00:00.000Z', '2026-12-02T12:00:00.000Z'],
    ]);
  });
  it('gives the learner-zone parts of the day, clipped to the range, merged when they touch', () => {
    // New York is UTC−5: mornings 06–12 are 11:00–17:00 UTC; NOW is 19:00 on Sunday the 29th there.
    const mornings = searchWindows({ now: NOW, days: 2, timesOfDay: ['morning'], zone: 'America/New_York' }, time);
    expect(mornings.map((x) => [x.from.toISOString(), x.to.toISOString()])).toEqual([
      ['2026-11-30T11:00:00.000Z', '2026-11-30T17:00:00.000Z'],
      ['2026-12-01T11:00:00.000Z', '2026-12-01T17:00:00.000Z'],
    ]);
    // Evening + night run 17:00–06:00 as one window; the night already begun at NOW is included.
    const late = searchWindows({ now: NOW, days: 1, timesOfDay: ['night', 'evening'], zone: 'America/New_York' }, time);
    expect(late.map((x) => [x.from.toISOString(), x.to.toISOString()])).toEqual([
      ['2026-11-30T00:00:00.000Z', '2026-11-30T11:00:00.000Z'],
      ['2026-11-30T22:00:00.000Z', '2026-12-01T00:00:00.000Z'],
    ]);
  });
});

describe('hasQualifyingSlot', () => {
  it('reads parts of the day in the learner’s zone', () => {
    expect(qualifies(kolkataEvenings, [], 7, ['morning'], 'America/New_York')).toBe(true);
    expect(qualifies(kolkataEvenings, [], 7, ['evening'], 'America/New_York')).toBe(false);
    expect(qualifies(kolkataEvenings, [], 7, ['evening'], 'Asia/Kolkata')).toBe(true);
    expect(qualifies(kolkataEvenings, [], 7, ['morning', 'afternoon'], 'Asia/Kolkata')).toBe(false);
    expect(qualifies(kolkataEvenings, [], 7, ['night'], 'Australia/Sydney')).toBe(true);
    expect(qualifies(kolkataEvenings, [], 7, ['evening'], 'Australia/Sydney')).toBe(false);
    // 18:00 IST is 12:30 UTC: the first slot starts exactly at the start of a London afternoon.
    expect(qualifies(kolkataEvenings, [], 7, ['afternoon'], 'Europe/London')).toBe(true);
    expect(qualifies({ ...kolkataEvenings, rules: kolkataEvenings.rules.map((r) => ({ ...r, start: '17:00', end: '17:29' })) }, [], 7, ['afternoon'], 'Europe/London')).toBe(false);
  });

  it('agrees with every slot read in the learner’s zone (partOfDay), over many policies and zones', () => {
    const zonesList = ['America/New_York', 'Asia/Kolkata', 'Australia/Sydney', 'Europe/London'];
    const parts: Part[][] = [['morning'], ['afternoon'], ['evening'], ['night'], ['morning', 'night'], ['afternoon', 'evening']];
    let checked = 0;
    for (const [k, start] of ['00:00', '05:30', '09:15', '13:00', '16:45', '20:00', '22:30'].entries()) {
      const p: AvailabilityPolicy = { ...kolkataEvenings, timeZone: zonesList[k % 4]!, rules: [{ weekday: ((k % 7) + 1) as 1, start, end: start === '22:30' ? '24:00' : `${String(Number(start.slice(0, 2)) + 1).padStart(2, '0')}:30` }] };
      for (const zone of zonesList)
        for (const ps of parts) {
          const slots = computeSlots(p, [], { from: NOW, to: new Date(NOW.getTime() + 7 * 86_400_000), now: NOW, durationMinutes: 60 }, time);
          const expected = slots.some((s) => ps.includes(partOfDay(time.instantToZoned(s.start, zone).time)));
          expect(qualifies(p, [], 7, ps, zone), `${p.timeZone} ${start} → ${zone} ${ps}`).toBe(expected);
          checked++;
        }
    }
    expect(checked).toBe(168);
  });

  it('stops at the first window with a slot', () => {
    const { zones, calls } = countingZones();
    expect(qualifies(kolkataEvenings, [], 30, undefined, undefined, zones)).toBe(true);
    expect(calls.localDatesBetween).toBe(1);
  });

  it('looks no further than the window, and sees bookings, caps and overrides', () => {
    // Only Saturdays (5 December is the first): not within 3 days, within 6.
    const saturdays: AvailabilityPolicy = { ...kolkataEvenings, rules: [{ weekday: 6, start: '18:00', end: '21:00' }] };
    expect(qualifies(saturdays, [], 3)).toBe(false);
    expect(qualifies(saturdays, [], 6)).toBe(true);
    // That Saturday fully booked (12:30–15:30 UTC): not within 6 days.
    const booked: Busy[] = [{ start: new Date('2026-12-05T12:30:00Z'), end: new Date('2026-12-05T15:30:00Z'), kind: 'booking' }];
    expect(qualifies(saturdays, booked, 6)).toBe(false);
    // A daily cap of 1 with one booking that day.
    const one: Busy[] = [{ start: new Date('2026-12-05T12:30:00Z'), end: new Date('2026-12-05T13:00:00Z'), kind: 'booking' }];
    expect(qualifies({ ...saturdays, maxPerDay: 1 }, one, 6)).toBe(false);
    expect(qualifies({ ...saturdays, overrides: [{ date: '2026-12-05', ranges: [] }] }, [], 6)).toBe(false);
    expect(qualifies({ ...kolkataEvenings, rules: [] }, [], 30)).toBe(false);
    // Beyond the tutor's horizon.
    expect(qualifies({ ...saturdays, horizonDays: 3 }, [], 30)).toBe(false);
  });

  it('memoZoneOps answers like the time module', () => {
    const memo = memoZoneOps(time);
    for (let i = 0; i < 2; i++) {
      expect(memo.wallClockIntervals('2026-03-08', '01:00', '04:00', 'America/New_York')).toEqual(time.wallClockIntervals('2026-03-08', '01:00', '04:00', 'America/New_York'));
      expect(memo.localDatesBetween(NOW, new Date('2026-12-02T00:00:00Z'), 'Australia/Sydney')).toEqual(['2026-11-30', '2026-12-01', '2026-12-02']);
      expect(memo.weekdayOf('2026-11-30')).toBe(1);
      expect(memo.addDaysLocal('2026-12-31', 1)).toBe('2027-01-01');
    }
  });
});

describe('review cursor, reviewer name, headline', () => {
  it('round-trips a cursor and refuses a forged one', () => {
    const c = encodeReviewCursor(new Date('2026-12-01T10:00:00.000Z'), '0b9c5b8e-3f57-4a0e-9d7b-2f1d8c3a4b5c');
    expect(decodeReviewCursor(c)).toEqual({ createdAt: new Date('2026-12-01T10:00:00.000Z'), bookingId: '0b9c5b8e-3f57-4a0e-9d7b-2f1d8c3a4b5c' });
    expect(decodeReviewCursor('not-a-cursor')).toBeNull();
    expect(decodeReviewCursor(Buffer.from("2026-12-01T10:00:00.000Z|x' or 1=1").toString('base64url'))).toBeNull();
  });
  it('shows first names only and cuts long bios at a word', () => {
    expect(reviewerName('Aarav Sharma')).toBe('Aarav');
    expect(reviewerName('  ')).toBe('A student');
    const long = 'word '.repeat(100);
    const h = headlineOf(long);
    expect(h.length).toBeLessThanOrEqual(200);
    expect(h.endsWith('word…')).toBe(true);
    expect(headlineOf('Short bio.')).toBe('Short bio.');
  });
});
