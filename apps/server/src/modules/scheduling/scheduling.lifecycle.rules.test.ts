import { describe, expect, it } from 'vitest';
import * as time from '../../platform/time';
import { confirmDecision, formatMoney, formatWhen, HOLD_MINUTES, holdUntil, icsSequence, insideLateWindow, noticeText, priceFor, reminderIsStale, reminderKey, reminderPlan } from './scheduling.lifecycle.rules';

const at = (iso: string) => new Date(iso);

describe('priceFor', () => {
  it('charges the hourly rate pro rata, rounding half a minor unit up', () => {
    expect(priceFor(60_000, 60)).toBe(60_000);
    expect(priceFor(60_000, 30)).toBe(30_000);
    expect(priceFor(100, 45)).toBe(75);
    // 1001 × 30 / 60 = 500.5 → 501; 1001 × 45 / 60 = 750.75 → 751; 999 × 45 / 60 = 749.25 → 749.
    expect(priceFor(1001, 30)).toBe(501);
    expect(priceFor(1001, 45)).toBe(751);
    expect(priceFor(999, 45)).toBe(749);
    expect(priceFor(0, 60)).toBe(0);
  });
});

describe('holds', () => {
  const now = at('2026-12-01T10:00:00Z');
  it(`holds for ${HOLD_MINUTES} minutes`, () => {
    expect(holdUntil(now).toISOString()).toBe('2026-12-01T10:10:00.000Z');
  });
  it('confirms only a live hold, and confirming twice is harmless', () => {
    expect(confirmDecision({ status: 'held', heldUntil: at('2026-12-01T10:00:01Z'), outcome: null }, now)).toBe('confirm');
    expect(confirmDecision({ status: 'held', heldUntil: now, outcome: null }, now)).toBe('hold_expired');
    expect(confirmDecision({ status: 'cancelled', heldUntil: at('2026-12-01T09:59:00Z'), outcome: 'hold_expired' }, now)).toBe('hold_expired');
    expect(confirmDecision({ status: 'confirmed', heldUntil: null, outcome: null }, now)).toBe('already_confirmed');
    expect(confirmDecision({ status: 'cancelled', heldUntil: null, outcome: 'cancelled' }, now)).toBe('not_confirmable');
    expect(confirmDecision({ status: 'completed', heldUntil: null, outcome: 'completed' }, now)).toBe('not_confirmable');
  });
});

describe('late window and reminders', () => {
  const start = at('2026-12-02T12:00:00Z');
  it('is late when closer than cancelFreeHours to the start', () => {
    expect(insideLateWindow(start, at('2026-12-01T12:00:00Z'), 24)).toBe(false);
    expect(insideLateWindow(start, at('2026-12-01T12:00:01Z'), 24)).toBe(true);
    expect(insideLateWindow(start, at('2026-12-02T11:59:00Z'), 0)).toBe(false);
  });
  it('plans the 24-hour and 15-minute reminders, dropping ones already past', () => {
    expect(reminderPlan(start, at('2026-11-25T00:00:00Z'))).toEqual([
      { kind: '24h', runAt: at('2026-12-01T12:00:00Z') },
      { kind: '15m', runAt: at('2026-12-02T11:45:00Z') },
    ]);
    // Booked 3 hours ahead: only the 15-minute one.
    expect(reminderPlan(start, at('2026-12-02T09:00:00Z'))).toEqual([{ kind: '15m', runAt: at('2026-12-02T11:45:00Z') }]);
    expect(reminderPlan(start, at('2026-12-02T11:50:00Z'))).toEqual([]);
    expect(reminderKey('b1', '24h', start)).toBe('booking-reminder:b1:24h:2026-12-02T12:00:00.000Z');
  });
  it('skips a reminder that comes too late (after downtime) instead of sending it late', () => {
    expect(reminderIsStale('24h', start, at('2026-12-01T12:00:00Z'))).toBe(false);
    expect(reminderIsStale('24h', start, at('2026-12-01T13:59:00Z'))).toBe(false);
    expect(reminderIsStale('24h', start, at('2026-12-01T14:01:00Z'))).toBe(true);
    expect(reminderIsStale('24h', start, at('2026-12-02T11:49:00Z'))).toBe(true);
    expect(reminderIsStale('15m', start, at('2026-12-02T11:45:00Z'))).toBe(false);
    expect(reminderIsStale('15m', start, at('2026-12-02T11:59:59Z'))).toBe(false);
    expect(reminderIsStale('15m', start, at('2026-12-02T12:00:00Z'))).toBe(true);
  });
});

describe('calendar sequence', () => {
  it('outranks every earlier version: each move by 2, a cancellation by 1', () => {
    expect(icsSequence(0, false)).toBe(0);
    expect(icsSequence(0, true)).toBe(1);
    expect(icsSequence(1, false)).toBeGreaterThan(icsSequence(0, true));
    expect(icsSequence(1, true)).toBeGreaterThan(icsSequence(1, false));
  });
});

describe('words', () => {
  it('shows a time on one clock with the zone named', () => {
    const instant = at('2026-03-02T21:00:00Z');
    expect(formatWhen(time.instantToZoned(instant, 'America/New_York'), 'America/New_York')).toBe('Mon 2 Mar, 16:00 (America/New_York)');
    expect(formatWhen(time.instantToZoned(instant, 'Asia/Kolkata'), 'Asia/Kolkata')).toBe('Tue 3 Mar, 02:30 (Asia/Kolkata)');
  });
  it('formats money from minor units', () => {
    expect(formatMoney(50_000, 'INR')).toBe('INR 500.00');
    expect(formatMoney(1999, 'USD')).toBe('USD 19.99');
  });
  it('words each event for its reader', () => {
    const base = { otherName: 'Asha', when: 'Mon 2 Mar, 16:00 (America/New_York)' };
    expect(noticeText({ ...base, event: 'booking_confirmed', as: 'student' })).toBe('Booked: your lesson with Asha on Mon 2 Mar, 16:00 (America/New_York).');
    expect(noticeText({ ...base, event: 'booking_confirmed', as: 'tutor' })).toBe('New booking: Asha booked a lesson on Mon 2 Mar, 16:00 (America/New_York).');
    expect(noticeText({ ...base, event: 'booking_cancelled', as: 'tutor', byReader: false, late: true })).toBe('Asha cancelled the lesson on Mon 2 Mar, 16:00 (America/New_York) (a late cancellation).');
    expect(noticeText({ ...base, event: 'booking_cancelled', as: 'student', byReader: true })).toBe('You cancelled the lesson on Mon 2 Mar, 16:00 (America/New_York).');
    expect(noticeText({ ...base, event: 'booking_cancelled', as: 'student', byReader: true, money: { refundMinor: 60_000, currency: 'INR' } })).toBe(
      'You cancelled the lesson on Mon 2 Mar, 16:00 (America/New_York). You will get INR 600.00 back.',
    );
    expect(noticeText({ ...base, event: 'booking_cancelled', as: 'tutor', byReader: true, money: { refundMinor: 60_000, currency: 'INR' } })).toBe(
      'You cancelled the lesson on Mon 2 Mar, 16:00 (America/New_York). Asha gets INR 600.00 back.',
    );
    expect(noticeText({ ...base, event: 'booking_cancelled', as: 'tutor', late: true, money: { noRefundHours: 24 } })).toBe(
      'Asha cancelled the lesson on Mon 2 Mar, 16:00 (America/New_York) (a late cancellation). No refund: cancelled less than 24 h before.',
    );
    expect(noticeText({ ...base, event: 'booking_rescheduled', as: 'student', previously: 'Sun 1 Mar, 16:00 (America/New_York)' })).toContain('now on Mon 2 Mar, 16:00 (America/New_York) (was Sun 1 Mar');
    expect(noticeText({ ...base, event: 'booking_reminder', as: 'student', reminder: '15m' })).toMatch(/^In 15 minutes: /);
    expect(noticeText({ ...base, event: 'booking_reminder', as: 'tutor', reminder: '24h' })).toMatch(/^Tomorrow: /);
    expect(noticeText({ ...base, event: 'series_cancelled', as: 'tutor', count: 3 })).toBe('Asha cancelled 3 weekly lessons, from Mon 2 Mar, 16:00 (America/New_York).');
    expect(noticeText({ ...base, event: 'series_cancelled', as: 'student', count: 1, byReader: true })).toBe('You cancelled 1 weekly lesson with Asha, from Mon 2 Mar, 16:00 (America/New_York).');
  });
});
