// Checks of one start (slotProblem), the learner's view, recurring lessons and policy faults. Slots from a policy are
// in scheduling.rules.test.ts.
import { describe, expect, it } from 'vitest';
import * as time from '../../platform/time';
import { computeSlots, localTimeShifts, policyProblems, recurringOccurrences, slotIsBookable, slotProblem, toLearnerView, type Weekday } from './scheduling.rules';
import { at, booking, everyDay, policy, slotsOn, weekdays } from './scheduling.rules.test-support';

describe('slotProblem / slotIsBookable', () => {
  const zone = 'Australia/Sydney';
  const p = policy({ timeZone: zone, rules: weekdays('16:00', '20:00'), bufferMinutes: 10, minNoticeMinutes: 720, maxPerDay: 2, horizonDays: 56 });
  const now = at('2026-06-01', '08:00', zone);
  const tue17 = at('2026-06-02', '17:00', zone);

  it('names why a start is not bookable', () => {
    expect(slotProblem(p, [], tue17, 60, now, time)).toBeNull();
    expect(slotIsBookable(p, [], tue17, 60, now, time)).toBe(true);
    expect(slotProblem(p, [], tue17, 90, now, time)).toBe('duration_not_offered');
    expect(slotProblem(p, [], at('2026-06-01', '17:00', zone), 60, now, time)).toBe('too_soon');
    expect(slotProblem(p, [], at('2026-08-03', '17:00', zone), 60, now, time)).toBe('beyond_horizon');
    expect(slotProblem(p, [], at('2026-06-02', '19:30', zone), 60, now, time)).toBe('outside_availability'); // runs past 20:00
    expect(slotProblem(p, [], at('2026-06-06', '17:00', zone), 60, now, time)).toBe('outside_availability'); // Saturday
    expect(slotProblem(p, [], at('2026-06-02', '17:05', zone), 60, now, time)).toBe('outside_availability'); // off the grid
    expect(slotProblem(p, [], at('2026-06-02', '17:05', zone), 60, now, time, 5)).toBeNull();
    const two = [booking(at('2026-06-02', '16:00', zone), 30), booking(at('2026-06-02', '19:30', zone), 30)];
    expect(slotProblem(p, two, tue17, 60, now, time)).toBe('day_full');
    expect(slotProblem(p, [booking(at('2026-06-02', '18:05', zone), 30, 'instant')], tue17, 60, now, time)).toBe('conflict'); // within the buffer
    expect(slotIsBookable(p, [booking(at('2026-06-02', '18:05', zone), 30, 'instant')], tue17, 60, now, time)).toBe(false);
  });

  it('agrees with computeSlots at every quarter hour of four days around Sydney’s October change', { timeout: 20_000 }, () => {
    const q = policy({ timeZone: zone, rules: everyDay('01:00', '04:00').concat(everyDay('16:00', '18:00')), bufferMinutes: 10, maxPerDay: 3, horizonDays: 56 });
    const nowOct = new Date('2026-10-01T00:00:00Z');
    const busy = [booking(at('2026-10-04', '03:00', zone), 45), booking(at('2026-10-05', '16:30', zone), 30, 'instant')];
    const from = at('2026-10-03', '00:00', zone);
    const to = at('2026-10-07', '00:00', zone);
    for (const duration of [30, 60]) {
      const offered = new Set(computeSlots(q, busy, { from, to, now: nowOct, durationMinutes: duration }, time).map((s) => s.start.getTime()));
      expect(offered.size).toBeGreaterThan(20);
      for (let t = from.getTime(); t < to.getTime(); t += 15 * 60_000) {
        expect(slotIsBookable(q, busy, new Date(t), duration, nowOct, time), new Date(t).toISOString()).toBe(offered.has(t));
      }
    }
  });
});

describe('what the learner sees', () => {
  it("shows a New York tutor's Monday 16:00 as Tuesday morning in Sydney, across the date line", () => {
    const p = policy({ rules: weekdays('16:00', '17:00') });
    const view = (date: string, zone: string) => toLearnerView(slotsOn(p, date)[0]!, zone, time);
    // September: New York EDT (−4), Sydney AEST (+10)
    expect(view('2026-09-28', 'Australia/Sydney')).toMatchObject({
      learnerLocal: { date: '2026-09-29', weekday: 2, start: '06:00', end: '07:00', offset: '+10:00' },
      tutorLocal: { date: '2026-09-28', weekday: 1, start: '16:00', end: '17:00', offset: '-04:00' },
      dayDifference: 1,
    });
    // After Sydney springs forward (Oct 4), before New York falls back (Nov 1)
    expect(view('2026-10-05', 'Australia/Sydney').learnerLocal.start).toBe('07:00');
    // After both
    expect(view('2026-11-02', 'Australia/Sydney').learnerLocal.start).toBe('08:00');
    expect(view('2026-11-02', 'Asia/Kolkata').learnerLocal).toMatchObject({ date: '2026-11-03', start: '02:30' });
    expect(view('2026-11-02', 'Europe/London')).toMatchObject({ learnerLocal: { date: '2026-11-02', start: '21:00' }, dayDifference: 0 });
    // The weeks the two sides of the Atlantic disagree
    expect(view('2026-03-09', 'Europe/London').learnerLocal.start).toBe('20:00');
    expect(view('2026-10-26', 'Europe/London').learnerLocal.start).toBe('20:00');
  });

  it('shows a Sydney tutor’s early morning as the previous day in New York', () => {
    const p = policy({ timeZone: 'Australia/Sydney', rules: weekdays('07:00', '08:00') });
    const v = toLearnerView(slotsOn(p, '2026-06-01')[0]!, 'America/New_York', time);
    expect(v).toMatchObject({ learnerLocal: { date: '2026-05-31', weekday: 7, start: '17:00' }, dayDifference: -1 });
  });
});

describe('recurring lessons', () => {
  const ny = 'America/New_York';

  it('keep the tutor’s wall-clock time every week across a change', () => {
    const weeks = recurringOccurrences(at('2026-10-19', '16:00', ny), 4, ny, time);
    expect(weeks.map((d) => d.toISOString().slice(0, 16))).toEqual(['2026-10-19T20:00', '2026-10-26T20:00', '2026-11-02T21:00', '2026-11-09T21:00']);
    expect(weeks.map((d) => time.instantToZoned(d, ny).time)).toEqual(['16:00', '16:00', '16:00', '16:00']);
  });

  it('flag the weeks where the learner’s clock shows another time', () => {
    const weeks = recurringOccurrences(at('2026-10-19', '16:00', ny), 4, ny, time);
    // London changes on Oct 25, a week before New York: one odd week.
    expect(localTimeShifts(weeks, 'Europe/London', time).map((w) => [w.local.time, w.shiftMinutes])).toEqual([
      ['21:00', 0],
      ['20:00', -60],
      ['21:00', 0],
      ['21:00', 0],
    ]);
    // Sydney (already on summer time) sees the New York change as a permanent hour later.
    expect(localTimeShifts(weeks, 'Australia/Sydney', time).map((w) => [w.local.date, w.local.time, w.shiftMinutes])).toEqual([
      ['2026-10-20', '07:00', 0],
      ['2026-10-27', '07:00', 0],
      ['2026-11-03', '08:00', 60],
      ['2026-11-10', '08:00', 60],
    ]);
    // The tutor's own zone never shifts.
    expect(localTimeShifts(weeks, ny, time).every((w) => w.shiftMinutes === 0)).toBe(true);
    expect(localTimeShifts([], ny, time)).toEqual([]);
  });

  it('measure a shift across midnight as an hour, not a day', () => {
    const london = 'Europe/London';
    const weeks = recurringOccurrences(at('2026-03-23', '19:00', london), 2, london, time);
    expect(localTimeShifts(weeks, 'Asia/Kolkata', time).map((w) => [w.local.date, w.local.time, w.shiftMinutes])).toEqual([
      ['2026-03-24', '00:30', 0],
      ['2026-03-30', '23:30', -60],
    ]);
  });

  it('move a skipped time forward by the gap, and take the first of a repeated time', () => {
    const spring = recurringOccurrences(at('2026-03-01', '02:30', ny), 2, ny, time);
    expect(time.instantToZoned(spring[1]!, ny)).toMatchObject({ date: '2026-03-08', time: '03:30', offset: '-04:00' });
    const autumn = recurringOccurrences(at('2026-10-25', '01:30', ny), 2, ny, time);
    expect(time.instantToZoned(autumn[1]!, ny)).toMatchObject({ date: '2026-11-01', time: '01:30', offset: '-04:00' });
  });
});

describe('policyProblems', () => {
  it('accepts a sound policy and names each fault', () => {
    expect(policyProblems(policy({ rules: weekdays('16:00', '20:00'), overrides: [{ date: '2026-12-25', ranges: [] }] }))).toEqual([]);
    expect(policyProblems(policy({ rules: [{ weekday: 1, start: '22:00', end: '24:00' }] }))).toEqual([]);
    const bad = policyProblems(
      policy({
        rules: [
          { weekday: 8 as Weekday, start: '10:00', end: '11:00' },
          { weekday: 1, start: '11:00', end: '10:00' },
          { weekday: 2, start: '24:00', end: '24:00' },
          { weekday: 3, start: '9:00', end: '25:00' },
        ],
        overrides: [
          { date: '2026-12-25', ranges: [{ start: '10:00', end: '10:00' }] },
          { date: '2026-12-25', ranges: [] },
          { date: '25/12/2026', ranges: [] },
        ],
        durationsMinutes: [20 as 30],
        bufferMinutes: -5,
        minNoticeMinutes: 1.5,
        maxPerDay: 0,
        horizonDays: 0,
      }),
    );
    expect(bad).toEqual([
      'rules[0]: weekday must be 1 (Monday) to 7',
      'rules[1]: end must be after start',
      'rules[2]: start must be HH:MM',
      'rules[3]: start must be HH:MM',
      'rules[3]: end must be HH:MM or 24:00',
      'overrides[0].ranges[0]: end must be after start',
      'overrides[1]: 2026-12-25 is overridden twice',
      'overrides[2]: date must be YYYY-MM-DD',
      'durationsMinutes: 20 is not 30, 45 or 60',
      'bufferMinutes: must be a whole number ≥ 0',
      'minNoticeMinutes: must be a whole number ≥ 0',
      'maxPerDay: must be a whole number ≥ 1, or none',
      'horizonDays: must be a whole number ≥ 1',
    ]);
  });
});
