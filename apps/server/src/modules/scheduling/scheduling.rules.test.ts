// Slots from a policy: weekly rules, daylight saving, date overrides and limits. Checks of one start, the learner's
// view, recurring lessons and policy faults are in scheduling.rules.checks.test.ts.
import { describe, expect, it } from 'vitest';
import * as time from '../../platform/time';
import { availabilityOn, type AvailabilityPolicy, computeSlots, rangesForDate, type Slot } from './scheduling.rules';
import { at, booking, everyDay, local, longAgo, policy, realHours, slotsOn, utc, weekdays } from './scheduling.rules.test-support';

describe('weekly rules, in the tutor zone', () => {
  const kolkata = policy({ timeZone: 'Asia/Kolkata', rules: weekdays('16:00', '20:00') });

  it('offers Mon–Fri 16:00–20:00 Asia/Kolkata on the hour, at :30 in UTC', () => {
    const slots = slotsOn(kolkata, '2026-06-01', '2026-06-01', { step: 60 }); // a Monday
    expect(slots.map(local)).toEqual(['2026-06-01 16:00', '2026-06-01 17:00', '2026-06-01 18:00', '2026-06-01 19:00']);
    expect(slots.map(utc)).toEqual(['2026-06-01T10:30', '2026-06-01T11:30', '2026-06-01T12:30', '2026-06-01T13:30']);
    expect(slots[0]!.tutorLocal).toEqual({ date: '2026-06-01', weekday: 1, start: '16:00', end: '17:00', offset: '+05:30' });
    expect(slotsOn(kolkata, '2026-06-06', '2026-06-07')).toEqual([]); // the weekend
  });

  it('steps every 15 minutes by default, and never runs past the end of a range', () => {
    const slots = slotsOn(kolkata, '2026-06-01');
    expect(slots).toHaveLength(13); // 16:00 … 19:00
    expect(slots.at(-1)!.tutorLocal).toMatchObject({ start: '19:00', end: '20:00' });
    expect(slotsOn(kolkata, '2026-06-01', '2026-06-01', { duration: 45 })).toHaveLength(14); // 16:00 … 19:15
  });

  it('keeps a constant +05:30 all year in Kolkata, even on the days the other zones change', () => {
    const p = policy({ timeZone: 'Asia/Kolkata', rules: everyDay('16:00', '17:00') });
    for (const date of ['2026-01-05', '2026-03-08', '2026-03-29', '2026-04-05', '2026-07-06', '2026-10-04', '2026-10-25', '2026-11-01', '2027-03-14']) {
      const [slot] = slotsOn(p, date);
      expect(utc(slot!), date).toBe(`${date}T10:30`);
      expect(slot!.tutorLocal.offset).toBe('+05:30');
    }
  });

  it('stops at `limit` slots, the first of the full list (an "any free slot?" check needs one)', () => {
    const q = { from: new Date('2026-06-01T00:00:00Z'), to: new Date('2026-06-04T00:00:00Z'), now: longAgo, durationMinutes: 60 };
    const all = computeSlots(kolkata, [booking(at('2026-06-01', '16:00', 'Asia/Kolkata'), 60)], q, time);
    const one = computeSlots(kolkata, [booking(at('2026-06-01', '16:00', 'Asia/Kolkata'), 60)], { ...q, limit: 1 }, time);
    expect(all.length).toBeGreaterThan(30);
    expect(one).toEqual([all[0]]);
    expect(computeSlots(kolkata, [], { ...q, limit: 3 }, time)).toHaveLength(3);
  });

  it('gives nothing for a length the tutor does not offer', () => {
    expect(slotsOn(policy({ timeZone: 'Asia/Kolkata', rules: weekdays('16:00', '20:00'), durationsMinutes: [30] }), '2026-06-01')).toEqual([]);
  });

  it('merges overlapping and touching ranges, so a slot may run across them, and lists no slot twice', () => {
    const p = policy({
      rules: [
        { weekday: 1, start: '16:00', end: '17:00' },
        { weekday: 1, start: '17:00', end: '18:00' },
        { weekday: 1, start: '16:30', end: '17:30' },
        { weekday: 1, start: '20:00', end: '21:00' },
      ],
    });
    expect(rangesForDate(p, '2026-06-01', time)).toEqual([
      { start: '16:00', end: '18:00' },
      { start: '20:00', end: '21:00' },
    ]);
    const slots = slotsOn(p, '2026-06-01', '2026-06-01', { step: 30 });
    expect(slots.map((s) => s.tutorLocal.start)).toEqual(['16:00', '16:30', '17:00', '20:00']);
  });

  it("never spans two ranges: with a gap between them, a session doesn't bridge it", () => {
    const p = policy({ rules: [{ weekday: 1, start: '09:00', end: '10:30' }, { weekday: 1, start: '11:00', end: '12:00' }] });
    expect(slotsOn(p, '2026-06-01', '2026-06-01', { step: 30 }).map((s) => s.tutorLocal.start)).toEqual(['09:00', '09:30', '11:00']);
  });

  it('lets a range end at 24:00, the slot ending at the next midnight', () => {
    const p = policy({ timeZone: 'Europe/London', rules: [{ weekday: 1, start: '22:00', end: '24:00' }] });
    const slots = slotsOn(p, '2026-06-01', '2026-06-02', { step: 60 });
    expect(slots.map(local)).toEqual(['2026-06-01 22:00', '2026-06-01 23:00']);
    expect(slots[1]!.tutorLocal.end).toBe('00:00');
    expect(slots[1]!.end.toISOString()).toBe('2026-06-01T23:00:00.000Z'); // BST
  });

  it('returns only slots starting in [from, to)', () => {
    const p = policy({ timeZone: 'Asia/Kolkata', rules: weekdays('16:00', '20:00') });
    const slots = computeSlots(
      p,
      [],
      { from: new Date('2026-06-01T11:30:00Z'), to: new Date('2026-06-01T12:30:00Z'), now: longAgo, durationMinutes: 60 },
      time,
    );
    expect(slots.map((s) => s.tutorLocal.start)).toEqual(['17:00', '17:15', '17:30', '17:45']);
  });
});

describe('daylight saving: every change in 2026 and 2027', () => {
  // A rule 00:00–04:00 covers each change; the clock skips (forward) or repeats (back) one hour in it.
  const changes = [
    { zone: 'America/New_York', date: '2026-03-08', dir: 'forward', hour: '02' },
    { zone: 'America/New_York', date: '2026-11-01', dir: 'back', hour: '01' },
    { zone: 'America/New_York', date: '2027-03-14', dir: 'forward', hour: '02' },
    { zone: 'America/New_York', date: '2027-11-07', dir: 'back', hour: '01' },
    { zone: 'Europe/London', date: '2026-03-29', dir: 'forward', hour: '01' },
    { zone: 'Europe/London', date: '2026-10-25', dir: 'back', hour: '01' },
    { zone: 'Europe/London', date: '2027-03-28', dir: 'forward', hour: '01' },
    { zone: 'Europe/London', date: '2027-10-31', dir: 'back', hour: '01' },
    { zone: 'Australia/Sydney', date: '2026-04-05', dir: 'back', hour: '02' },
    { zone: 'Australia/Sydney', date: '2026-10-04', dir: 'forward', hour: '02' },
    { zone: 'Australia/Sydney', date: '2027-04-04', dir: 'back', hour: '02' },
    { zone: 'Australia/Sydney', date: '2027-10-03', dir: 'forward', hour: '02' },
  ] as const;

  for (const c of changes) {
    describe(`${c.zone} ${c.date} (${c.dir})`, () => {
      const p = policy({ timeZone: c.zone, rules: [...everyDay('00:00', '04:00'), ...everyDay('16:00', '17:00')] });
      const dayBefore = time.addDaysLocal(c.date, -1);

      it(`makes 00:00–04:00 ${c.dir === 'forward' ? 3 : 5} real hours`, () => {
        const night = policy({ timeZone: c.zone, rules: everyDay('00:00', '04:00') });
        expect(realHours(availabilityOn(night, c.date, time))).toBe(c.dir === 'forward' ? 3 : 5);
        expect(realHours(availabilityOn(night, dayBefore, time))).toBe(4);
        const halfHours = slotsOn(p, c.date, c.date, { duration: 30, step: 30 }).filter((s) => s.tutorLocal.start < '04:00');
        expect(halfHours).toHaveLength(c.dir === 'forward' ? 6 : 10);
      });

      it(`${c.dir === 'forward' ? 'offers no slot at a skipped time' : 'offers the repeated hour twice, told apart by offset'}`, () => {
        const inChangedHour = slotsOn(p, c.date, c.date, { duration: 30, step: 30 }).filter((s) => s.tutorLocal.start.startsWith(`${c.hour}:`));
        if (c.dir === 'forward') {
          expect(inChangedHour).toEqual([]);
        } else {
          expect(inChangedHour.map((s) => s.tutorLocal.start)).toEqual([`${c.hour}:00`, `${c.hour}:30`, `${c.hour}:00`, `${c.hour}:30`]);
          expect(new Set(inChangedHour.map((s) => s.tutorLocal.offset)).size).toBe(2);
        }
      });

      it('keeps 16:00 at 16:00 local, so the UTC time moves by an hour', () => {
        const [before] = slotsOn(p, dayBefore).filter((s) => s.tutorLocal.start === '16:00');
        const [after] = slotsOn(p, c.date).filter((s) => s.tutorLocal.start === '16:00');
        expect(before!.tutorLocal.start).toBe('16:00');
        expect(after!.tutorLocal.start).toBe('16:00');
        expect((after!.start.getTime() - before!.start.getTime()) / 3_600_000).toBe(c.dir === 'forward' ? 23 : 25);
      });
    });
  }

  it('16:00 America/New_York: 21:00Z in winter, 20:00Z in summer, across both 2026 changes', () => {
    const p = policy({ rules: everyDay('16:00', '17:00') });
    const first = (date: string) => utc(slotsOn(p, date)[0]!);
    expect(first('2026-03-07')).toBe('2026-03-07T21:00');
    expect(first('2026-03-08')).toBe('2026-03-08T20:00');
    expect(first('2026-10-31')).toBe('2026-10-31T20:00');
    expect(first('2026-11-01')).toBe('2026-11-01T21:00');
  });

  it('a rule 01:00–03:00 gives one real hour on the spring-forward day and three on the fall-back day', () => {
    const p = policy({ rules: everyDay('01:00', '03:00') });
    expect(realHours(availabilityOn(p, '2026-03-08', time))).toBe(1);
    expect(realHours(availabilityOn(p, '2026-11-01', time))).toBe(3);
    expect(slotsOn(p, '2026-03-08', '2026-03-08', { step: 60 }).map(utc)).toEqual(['2026-03-08T06:00']);
    expect(slotsOn(p, '2026-11-01', '2026-11-01', { step: 60 }).map(utc)).toEqual(['2026-11-01T05:00', '2026-11-01T06:00', '2026-11-01T07:00']);
    expect(slotsOn(p, '2026-11-01', '2026-11-01', { step: 60 }).map((s) => `${s.tutorLocal.start}${s.tutorLocal.offset}`)).toEqual([
      '01:00-04:00',
      '01:00-05:00',
      '02:00-05:00',
    ]);
  });

  it('a range starting in the skipped hour starts at the jump; one ending in it ends at the jump', () => {
    const starts = policy({ rules: everyDay('02:30', '04:00') });
    expect(slotsOn(starts, '2026-03-08', '2026-03-08', { duration: 30 }).map((s) => s.tutorLocal.start)).toEqual(['03:00', '03:15', '03:30']);
    const ends = policy({ rules: everyDay('00:00', '02:30') });
    expect(slotsOn(ends, '2026-03-08', '2026-03-08', { duration: 60, step: 30 }).map((s) => `${s.tutorLocal.start}–${s.tutorLocal.end}`)).toEqual([
      '00:00–01:00',
      '00:30–01:30',
      '01:00–03:00', // 01:00 EST to the jump: one real hour
    ]);
  });

  it('a range ending inside the repeated hour is two pieces, and no slot spans them', () => {
    const p = policy({ rules: everyDay('00:00', '01:30') });
    expect(availabilityOn(p, '2026-11-01', time).map((iv) => `${iv.start.toISOString()}/${iv.end.toISOString()}`)).toEqual([
      '2026-11-01T04:00:00.000Z/2026-11-01T05:30:00.000Z',
      '2026-11-01T06:00:00.000Z/2026-11-01T06:30:00.000Z',
    ]);
    expect(slotsOn(p, '2026-11-01', '2026-11-01', { duration: 30, step: 30 }).map((s) => `${s.tutorLocal.start}${s.tutorLocal.offset}`)).toEqual([
      '00:00-04:00',
      '00:30-04:00',
      '01:00-04:00',
      '01:00-05:00',
    ]);
    expect(slotsOn(p, '2026-11-01', '2026-11-01', { duration: 60, step: 30 }).map(utc)).toEqual(['2026-11-01T04:00', '2026-11-01T04:30']);
  });

  it('a slot whose clock crosses the change still lasts its real length', () => {
    const p = policy({ rules: everyDay('00:00', '04:00') });
    const over = slotsOn(p, '2026-03-08', '2026-03-08', { duration: 60, step: 60 }).find((s) => s.tutorLocal.start === '01:00')!;
    expect(over.tutorLocal.end).toBe('03:00');
    expect(over.end.getTime() - over.start.getTime()).toBe(3_600_000);
    expect(slotsOn(p, '2026-03-08', '2026-03-08', { duration: 60, step: 60 }).map((s) => s.tutorLocal.start)).toEqual(['00:00', '01:00', '03:00']);
  });
});

describe('date overrides', () => {
  const p = (overrides: AvailabilityPolicy['overrides']) => policy({ timeZone: 'Europe/London', rules: weekdays('16:00', '20:00'), overrides });

  it('a day off (no ranges) removes the day', () => {
    expect(slotsOn(p([{ date: '2026-06-01', ranges: [] }]), '2026-06-01')).toEqual([]);
    expect(slotsOn(p([{ date: '2026-06-01', ranges: [] }]), '2026-06-02')).toHaveLength(13);
  });

  it('a holiday with other hours replaces the weekly rules of that date', () => {
    const slots = slotsOn(p([{ date: '2026-06-01', ranges: [{ start: '10:00', end: '12:00' }] }]), '2026-06-01', '2026-06-01', { step: 60 });
    expect(slots.map((s) => s.tutorLocal.start)).toEqual(['10:00', '11:00']);
  });

  it('extra hours: a date without rules (Saturday), or longer hours on a weekday', () => {
    expect(slotsOn(p([{ date: '2026-06-06', ranges: [{ start: '09:00', end: '11:00' }] }]), '2026-06-06', '2026-06-06', { step: 60 }).map(local)).toEqual([
      '2026-06-06 09:00',
      '2026-06-06 10:00',
    ]);
    const longer = p([{ date: '2026-06-01', ranges: [{ start: '09:00', end: '10:00' }, { start: '16:00', end: '22:00' }] }]);
    expect(slotsOn(longer, '2026-06-01', '2026-06-01', { step: 60 }).map((s) => s.tutorLocal.start)).toEqual(['09:00', '16:00', '17:00', '18:00', '19:00', '20:00', '21:00']);
  });

  it('two overrides of one date count together', () => {
    const twice = p([
      { date: '2026-06-01', ranges: [{ start: '09:00', end: '10:00' }] },
      { date: '2026-06-01', ranges: [{ start: '12:00', end: '13:00' }] },
    ]);
    expect(slotsOn(twice, '2026-06-01', '2026-06-01', { step: 60 }).map((s) => s.tutorLocal.start)).toEqual(['09:00', '12:00']);
  });

  it('follow the same daylight-saving rules (London, 2026-10-25)', () => {
    const slots = slotsOn(p([{ date: '2026-10-25', ranges: [{ start: '01:00', end: '02:00' }] }]), '2026-10-25', '2026-10-25', { step: 60 });
    expect(slots.map((s) => `${s.tutorLocal.start}${s.tutorLocal.offset}`)).toEqual(['01:00+01:00', '01:00+00:00']);
  });
});

describe('limits: buffers, notice, horizon, daily cap, busy time', () => {
  const zone = 'America/New_York';
  const p = (over: Partial<AvailabilityPolicy> = {}) => policy({ timeZone: zone, rules: weekdays('16:00', '20:00'), ...over });
  const monday = '2026-06-01';
  const starts = (slots: Slot[]) => slots.map((s) => s.tutorLocal.start);

  it('a booking blocks its own time; back to back is fine without a buffer', () => {
    const busy = [booking(at(monday, '17:00', zone), 60)];
    expect(starts(slotsOn(p(), monday, monday, { busy }))).toEqual(['16:00', '18:00', '18:15', '18:30', '18:45', '19:00']);
  });

  it('keeps the buffer clear on both sides of a booking', () => {
    const busy = [booking(at(monday, '17:00', zone), 60)];
    expect(starts(slotsOn(p({ bufferMinutes: 15 }), monday, monday, { busy }))).toEqual(['18:15', '18:30', '18:45', '19:00']);
    expect(starts(slotsOn(p({ bufferMinutes: 10 }), monday, monday, { busy, duration: 30 }))).toEqual(['16:00', '16:15', '18:15', '18:30', '18:45', '19:00', '19:15', '19:30']);
  });

  it('no buffer at the edges of availability: only between sessions', () => {
    expect(starts(slotsOn(p({ bufferMinutes: 30 }), monday, monday, { step: 60 }))).toEqual(['16:00', '17:00', '18:00', '19:00']);
  });

  it('an instant-help session in progress blocks time (with the buffer) but is not counted against the daily cap', () => {
    const busy = [booking(at(monday, '16:20', zone), 40, 'instant')];
    expect(starts(slotsOn(p({ bufferMinutes: 10, maxPerDay: 1 }), monday, monday, { busy, step: 30 }))).toEqual(['17:30', '18:00', '18:30', '19:00']);
  });

  it('busy time on another tutor-local date, or empty intervals, change nothing', () => {
    const busy = [booking(at('2026-06-02', '17:00', zone), 60, 'instant'), { start: at(monday, '17:00', zone), end: at(monday, '17:00', zone), kind: 'instant' as const }];
    expect(slotsOn(p({ bufferMinutes: 10 }), monday, monday, { busy })).toHaveLength(13);
  });

  it('starts no earlier than now + notice (12 h)', () => {
    const now = at(monday, '08:00', zone); // notice ends at 20:00, when Monday's hours end
    expect(slotsOn(p({ minNoticeMinutes: 12 * 60 }), monday, monday, { now })).toEqual([]);
    const later = at(monday, '04:50', zone); // notice ends at 16:50: the grid stays on quarter hours
    expect(starts(slotsOn(p({ minNoticeMinutes: 12 * 60 }), monday, monday, { now: new Date(later.getTime() + 7_000) })).slice(0, 2)).toEqual(['17:00', '17:15']);
    expect(slotsOn(p({ minNoticeMinutes: 12 * 60 }), '2026-06-02', '2026-06-02', { now })).toHaveLength(13);
  });

  it('ends no later than now + horizon (a slot ending exactly there is offered)', () => {
    const now = at(monday, '18:00', zone);
    const slots = slotsOn(p({ horizonDays: 7 }), monday, '2026-06-12', { now });
    const last = slots.at(-1)!;
    expect(local(last)).toBe('2026-06-08 17:00');
    expect(last.end.getTime()).toBe(now.getTime() + 7 * 86_400_000);
    expect(slots[0]!.tutorLocal.start).toBe('18:00');
  });

  it('counts bookings per tutor-local date against the cap', () => {
    const busy = [booking(at(monday, '16:00', zone), 30), booking(at(monday, '19:30', zone), 30)];
    expect(slotsOn(p({ maxPerDay: 2 }), monday, monday, { busy })).toEqual([]);
    expect(starts(slotsOn(p({ maxPerDay: 3 }), monday, monday, { busy, step: 60 }))).toEqual(['17:00', '18:00']);
    expect(slotsOn(p({ maxPerDay: 2 }), '2026-06-02', '2026-06-02', { busy })).toHaveLength(13);
  });

  it('a late-evening booking counts on the tutor-local date, not the UTC one', () => {
    // 23:30 Monday in New York is 03:30 Tuesday UTC.
    const evening = p({ maxPerDay: 1, rules: [...weekdays('16:00', '20:00'), { weekday: 1, start: '23:00', end: '24:00' }] });
    const busy = [booking(at(monday, '23:30', zone), 30)];
    expect(slotsOn(evening, monday, monday, { busy })).toEqual([]);
    expect(slotsOn(evening, '2026-06-02', '2026-06-02', { busy })).toHaveLength(13);
  });
});

