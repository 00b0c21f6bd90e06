import type { LearnerSlotView } from '@tutorline/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLocale, zoneCity } from '../../lib/format';
import { dateInZone, dayLabel, mergeFreshSlots, nextDates, offeredLengths, otherPartyClock, slotDescription, slotsByDate, startRuns, tutorClock } from './slot-format';

// A 24-hour locale, as the strings below are written; lib/format.test.ts covers 12-hour ones.
beforeAll(() => setLocale('en-GB'));
afterAll(() => setLocale(null));

function slot(start: string, learner: [date: string, time: string], tutor: [date: string, weekday: number, time: string], dayDifference = 0): LearnerSlotView {
  return {
    start,
    end: new Date(Date.parse(start) + 3_600_000).toISOString(),
    learnerLocal: { date: learner[0], weekday: 4, start: learner[1], end: '', offset: '' },
    tutorLocal: { date: tutor[0], weekday: tutor[1], start: tutor[2], end: '', offset: '' },
    dayDifference,
  };
}

describe('slot formatting', () => {
  // 16:00 Thursday in New York is 02:30 Friday in Kolkata.
  const ny = slot('2026-11-26T21:00:00.000Z', ['2026-11-26', '16:00'], ['2026-11-27', 5, '02:30'], -1);

  it('shows the tutor clock with their weekday when their date differs', () => {
    expect(tutorClock(ny, 'Asia/Kolkata')).toBe('02:30 Fri');
    expect(slotDescription(ny, 'America/New_York', 'Asia/Kolkata')).toBe('16:00 your time · 02:30 Fri for tutor (Kolkata time)');
    const same = slot('2026-11-26T10:00:00.000Z', ['2026-11-26', '15:30'], ['2026-11-26', 4, '15:30']);
    expect(slotDescription(same, 'Asia/Kolkata', 'Asia/Kolkata')).toBe('15:30 your time (same for tutor)');
  });

  it('groups by the learner date and counts calendar days without zone drift', () => {
    expect([...slotsByDate([ny]).keys()]).toEqual(['2026-11-26']);
    expect(nextDates('2026-10-24', 3)).toEqual(['2026-10-24', '2026-10-25', '2026-10-26']);
    expect(dayLabel('2026-11-27')).toBe('Fri 27');
    expect(dateInZone(Date.parse('2026-11-26T21:00:00Z'), 'Asia/Kolkata')).toBe('2026-11-27');
    expect(dateInZone(Date.parse('2026-11-26T21:00:00Z'), 'America/New_York')).toBe('2026-11-26');
  });

  it('gives the other party’s clock only when their zone is known and different', () => {
    expect(otherPartyClock('2026-11-26T21:00:00Z', 'America/New_York', 'Asia/Kolkata')).toBe('02:30 Fri in Kolkata');
    expect(otherPartyClock('2026-11-26T15:00:00Z', 'Europe/London', 'Europe/Paris')).toBe('16:00 in Paris');
    expect(otherPartyClock('2026-11-26T21:00:00Z', 'Asia/Kolkata', 'Asia/Kolkata')).toBeNull();
    expect(otherPartyClock('2026-11-26T21:00:00Z', 'Asia/Kolkata', null)).toBeNull();
  });

  it('replaces the taken slot’s tutor day with the fresh slots from a 409', () => {
    const a = slot('2026-11-26T20:00:00.000Z', ['2026-11-26', '15:00'], ['2026-11-27', 5, '01:30'], -1);
    const other = slot('2026-11-28T20:00:00.000Z', ['2026-11-28', '15:00'], ['2026-11-29', 7, '01:30'], -1);
    const freshLater = slot('2026-11-26T22:00:00.000Z', ['2026-11-26', '17:00'], ['2026-11-27', 5, '03:30'], -1);
    const merged = mergeFreshSlots([a, ny, other], ny, [a, freshLater]);
    expect(merged.map((s) => s.start)).toEqual([a.start, freshLater.start, other.start]);
  });

  it('sums up a day of starts as runs', () => {
    const at = (t: string) => `2026-11-26T${t}:00.000Z`;
    expect(startRuns(['07:00', '07:15', '07:30', '09:00', '19:00', '19:15'].map(at))).toEqual([
      [at('07:00'), at('07:30')],
      [at('09:00'), at('09:00')],
      [at('19:00'), at('19:15')],
    ]);
    expect(startRuns([])).toEqual([]);
    expect(zoneCity('America/Argentina/Buenos_Aires')).toBe('Buenos Aires');
  });
});

describe('the lesson lengths a learner can choose', () => {
  it('are only those the tutor offers, an hour first when offered, else the longest', () => {
    expect(offeredLengths([30, 60], [30, 45, 60])).toEqual({ choices: [30, 60], preferred: 60 });
    expect(offeredLengths([45, 30], [30, 45, 60])).toEqual({ choices: [30, 45], preferred: 45 });
    expect(offeredLengths([30], [30, 45, 60])).toEqual({ choices: [30], preferred: 30 });
  });
  it('are none before the tutor publishes availability', () => {
    expect(offeredLengths([], [30, 45, 60]).choices).toEqual([]);
  });
});
