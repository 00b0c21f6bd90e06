import { afterEach, describe, expect, it } from 'vitest';
import {
  calendarDate,
  currentLocale,
  formatCalendarDate,
  formatCountdown,
  formatDate,
  formatDateTime,
  formatDateTimeRange,
  formatDuration,
  formatMinutes,
  formatMoney,
  formatMonth,
  formatRelative,
  formatTime,
  formatTimeRange,
  formattingLocale,
  formatUntil,
  plural,
  setLocale,
  zoneName,
  zoneOptionLabel,
} from './format';

// 10:30 UTC on Monday 30 November 2026: 05:30 in New York (EST), 16:00 in Kolkata.
const at = '2026-11-30T10:30:00Z';
const end = '2026-11-30T11:30:00Z';
const ny = 'America/New_York';
const kolkata = 'Asia/Kolkata';

afterEach(() => setLocale(null));

describe('the locale', () => {
  it('keeps a locale the interface speaks, and writes other languages in English with the user’s regional habits', () => {
    expect(formattingLocale('en-GB')).toBe('en-GB');
    expect(formattingLocale('en-US')).toBe('en-US');
    expect(formattingLocale('hi-IN')).toBe('en-IN-u-hc-h12');
    expect(formattingLocale('hi')).toBe('en-IN-u-hc-h12');
    expect(formattingLocale('de-DE')).toBe('en-DE-u-hc-h23');
    // Intl has no English for Brazil: plain English, with Brazil's 24-hour clock.
    expect(formattingLocale('pt-BR')).toBe('en-u-hc-h23');
    expect(formattingLocale('not a locale')).toBe('en');
    expect(formattingLocale(undefined)).toBe('en');
  });

  it('can be set (a settings language) and reset to the browser’s', () => {
    setLocale('en-GB');
    expect(currentLocale()).toBe('en-GB');
    expect(formatTime(at, { zone: ny })).toBe('05:30');
    setLocale('en-US');
    expect(formatTime(at, { zone: ny })).toBe('5:30 AM');
  });
});

describe('times and dates follow the locale’s clock', () => {
  it('24-hour in en-GB', () => {
    const o = { zone: ny, locale: 'en-GB' };
    expect(formatTime(at, o)).toBe('05:30');
    expect(formatTimeRange(at, end, o)).toBe('05:30–06:30');
    expect(formatDateTime(at, o)).toBe('Mon 30 Nov, 05:30');
    expect(formatDateTimeRange(at, end, o)).toBe('Mon 30 Nov, 05:30–06:30');
    expect(formatDateTime(at, { ...o, year: true })).toBe('30 Nov 2026, 05:30');
    expect(formatDate(at, o)).toBe('30 Nov 2026');
    expect(formatDate(at, { ...o, style: 'long' })).toBe('Monday 30 November');
  });

  it('12-hour in en-US', () => {
    const o = { zone: ny, locale: 'en-US' };
    expect(formatTime(at, o)).toBe('5:30 AM');
    expect(formatTimeRange(at, end, o)).toMatch(/^5:30\s–\s6:30\sAM$/);
    expect(formatDateTime(at, o)).toBe('Mon, Nov 30, 5:30 AM');
    expect(formatDate(at, { ...o, style: 'long' })).toBe('Monday, November 30');
  });

  it('12-hour in hi-IN, with the words in English like the page around them', () => {
    const o = { zone: kolkata, locale: 'hi-IN' };
    expect(formatTime(at, o)).toBe('4:00 pm');
    expect(formatDateTime(at, o)).toBe('Mon, 30 Nov, 4:00 pm');
    expect(formatTime('2026-11-30T04:50:00Z', { zone: 'UTC', locale: 'hi-IN' })).toBe('4:50 am');
  });

  it('never mixes the clocks of one locale: every time on a page has the same cycle', () => {
    for (const [locale, h12] of [
      ['en-GB', false],
      ['en-US', true],
      ['hi-IN', true],
    ] as const) {
      const texts = [formatTime(at, { zone: ny, locale }), formatTimeRange(at, end, { zone: ny, locale }), formatDateTime(at, { zone: ny, locale }), formatDateTimeRange(at, end, { zone: ny, locale })];
      for (const t of texts) expect(/\b(am|pm)\b/i.test(t), `${locale}: ${t}`).toBe(h12);
    }
  });

  it('reads an instant in the zone it is given', () => {
    expect(formatTime(at, { zone: kolkata, locale: 'en-GB' })).toBe('16:00');
    expect(calendarDate('2026-11-26T21:00:00Z', kolkata)).toBe('2026-11-27');
    expect(calendarDate('2026-11-26T21:00:00Z', ny)).toBe('2026-11-26');
    // A zone the runtime does not know (bad data) reads as UTC instead of breaking the page.
    expect(formatTime(at, { zone: 'Mars/Olympus', locale: 'en-GB' })).toBe('10:30');
  });

  it('says "today at" for an instant on the same day as now', () => {
    expect(formatDateTime(at, { zone: ny, locale: 'en-GB', now: '2026-11-30T20:00:00Z' })).toBe('today at 05:30');
    expect(formatDateTime(at, { zone: ny, locale: 'en-GB', now: '2026-12-01T20:00:00Z' })).toBe('Mon 30 Nov, 05:30');
  });

  it('writes calendar dates and months without any zone shifting them', () => {
    expect(formatCalendarDate('2026-11-27', { locale: 'en-GB' })).toBe('Friday 27 November');
    expect(formatCalendarDate('2026-11-27', { style: 'day', locale: 'en-GB' })).toBe('Fri 27');
    expect(formatCalendarDate('2026-11-27', { style: 'weekdayOnly', locale: 'en-US' })).toBe('Fri');
    expect(formatMonth('2026-11', { locale: 'en-US' })).toBe('November 2026');
    expect(formatMonth('bad')).toBe('bad');
  });
});

describe('relative times, durations and countdowns', () => {
  it('says how long ago or until', () => {
    const now = Date.parse(at);
    expect(formatRelative(now - 10_000, now, { locale: 'en-GB' })).toBe('now');
    expect(formatRelative(now - 5 * 60_000, now, { locale: 'en-GB' })).toBe('5 minutes ago');
    expect(formatRelative(now - 1 * 60_000, now, { locale: 'en-US' })).toBe('1 minute ago');
    expect(formatRelative(now + 3 * 3_600_000, now, { locale: 'en-GB' })).toBe('in 3 hours');
    expect(formatRelative(now - 3 * 86_400_000, now, { zone: ny, locale: 'en-GB' })).toBe('27 Nov 2026, 05:30');
    expect(formatUntil(12 * 60_000, { locale: 'en-GB' })).toBe('in 12 minutes');
    expect(formatUntil(60_000, { locale: 'en-GB' })).toBe('in 1 minute');
    expect(formatUntil(5 * 3_600_000 + 20 * 60_000, { locale: 'en-GB' })).toBe('in 5 hours');
    expect(formatUntil(5 * 86_400_000, { locale: 'en-GB' })).toBe('in 5 days');
    expect(formatUntil(0, { locale: 'en-GB' })).toBe('now');
  });

  it('writes lengths in minutes and durations in hours and minutes', () => {
    expect(formatMinutes(60, { locale: 'en-US' })).toBe('60 min');
    expect(formatDuration(45, { locale: 'en-US' })).toBe('45 min');
    expect(formatDuration(90, { locale: 'en-US' })).toBe('1 hr 30 min');
    expect(formatDuration(120, { locale: 'en-US' })).toBe('2 hr');
    expect(formatDuration(2880, { locale: 'en-US' })).toBe('2 days');
    expect(formatDuration(0, { locale: 'en-US' })).toBe('0 min');
  });

  it('counts a running clock', () => {
    expect(formatCountdown(42)).toBe('0:42');
    expect(formatCountdown(605)).toBe('10:05');
    expect(formatCountdown(3725)).toBe('1:02:05');
    expect(formatCountdown(-3)).toBe('0:00');
  });
});

describe('money and counts', () => {
  it('formats minor units by the currency’s digits and the locale’s grouping', () => {
    expect(formatMoney(12550, 'INR', { locale: 'en-GB' })).toBe('₹125.50');
    expect(formatMoney(123456789, 'INR', { locale: 'hi-IN' })).toBe('₹12,34,567.89');
    expect(formatMoney(500, 'JPY', { locale: 'en-US' })).toBe('¥500');
    expect(formatMoney(999, 'US')).toBe('9.99 US');
  });

  it('picks the plural form by the locale’s rules', () => {
    const lessons = { one: '# lesson', other: '# lessons' };
    expect(plural(1, lessons, { locale: 'en-US' })).toBe('1 lesson');
    expect(plural(0, lessons, { locale: 'en-US' })).toBe('0 lessons');
    expect(plural(2, lessons, { locale: 'en-US' })).toBe('2 lessons');
    expect(plural(1500, lessons, { locale: 'hi-IN' })).toBe('1,500 lessons');
    expect(plural(0, { zero: 'No tutors', one: '# tutor', other: '# tutors' })).toBe('No tutors');
    expect(plural(1, { one: 'A photo', other: 'Some photos' })).toBe('A photo');
  });
});

describe('time zones by name', () => {
  it('names a zone by its city, with the generic and IANA names for hovering', () => {
    expect(zoneName(ny, { locale: 'en-US' })).toEqual({ label: 'New York time', city: 'New York', title: 'Eastern Time (America/New_York)' });
    expect(zoneName(kolkata, { locale: 'en-GB' })).toEqual({ label: 'Kolkata time', city: 'Kolkata', title: 'India Standard Time (Asia/Kolkata)' });
    expect(zoneName('America/Argentina/Buenos_Aires').label).toBe('Buenos Aires time');
    expect(zoneName('UTC').label).toBe('UTC');
  });

  it('labels zones in a list by city and generic name', () => {
    expect(zoneOptionLabel(ny, { locale: 'en-US' })).toBe('New York · Eastern Time');
    expect(zoneOptionLabel(kolkata, { locale: 'en-GB' })).toBe('Kolkata · India Standard Time');
  });
});
