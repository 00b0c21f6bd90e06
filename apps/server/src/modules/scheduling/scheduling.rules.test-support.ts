import * as time from '../../platform/time';
import { type AvailabilityPolicy, type Busy, computeSlots, type Slot, type Weekday, type WeeklyRule } from './scheduling.rules';

// Policies, slot queries and instants shared by scheduling.rules.test.ts and scheduling.rules.checks.test.ts.

export const everyDay = (start: string, end: string): WeeklyRule[] => ([1, 2, 3, 4, 5, 6, 7] as Weekday[]).map((weekday) => ({ weekday, start, end }));
export const weekdays = (start: string, end: string): WeeklyRule[] => ([1, 2, 3, 4, 5] as Weekday[]).map((weekday) => ({ weekday, start, end }));

export const policy = (over: Partial<AvailabilityPolicy> = {}): AvailabilityPolicy => ({
  timeZone: 'America/New_York',
  rules: [],
  overrides: [],
  durationsMinutes: [30, 45, 60],
  bufferMinutes: 0,
  minNoticeMinutes: 0,
  maxPerDay: null,
  horizonDays: 1000,
  ...over,
});

export const longAgo = new Date('2025-12-01T00:00:00Z');

export interface Opts {
  busy?: Busy[];
  now?: Date;
  duration?: number;
  step?: number;
}

/** Slots starting in the tutor-local dates [fromDate, toDate] (inclusive), via the real zone functions. */
export function slotsOn(p: AvailabilityPolicy, fromDate: string, toDate: string = fromDate, o: Opts = {}): Slot[] {
  return computeSlots(
    p,
    o.busy ?? [],
    {
      from: time.zonedToInstant(fromDate, '00:00', p.timeZone, 'earlier'),
      to: time.zonedToInstant(toDate, '24:00', p.timeZone, 'earlier'),
      now: o.now ?? longAgo,
      durationMinutes: o.duration ?? 60,
      ...(o.step === undefined ? {} : { stepMinutes: o.step }),
    },
    time,
  );
}

export const local = (s: Slot) => `${s.tutorLocal.date} ${s.tutorLocal.start}`;
export const utc = (s: Slot) => s.start.toISOString().slice(0, 16);
export const realHours = (ivs: { start: Date; end: Date }[]) => ivs.reduce((h, iv) => h + (iv.end.getTime() - iv.start.getTime()) / 3_600_000, 0);
export const at = (date: string, t: string, zone: string, d: time.Disambiguation = 'compatible') => time.zonedToInstant(date, t, zone, d);
export const booking = (start: Date, minutes: number, kind: Busy['kind'] = 'booking'): Busy => ({ start, end: new Date(start.getTime() + minutes * 60_000), kind });
