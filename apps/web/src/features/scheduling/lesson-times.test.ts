import type { BookingView } from '@tutorline/contracts';
import { describe, expect, it } from 'vitest';
import { isLateCancellation, lessonPhase, lessonStatus, otherParty, roomWindow, splitLessons } from './lesson-times';

const MIN = 60_000;
const start = Date.parse('2026-12-01T10:00:00Z');

function booking(over: Partial<BookingView> = {}): BookingView {
  return {
    id: 'b1',
    tutorId: 't',
    studentId: 's',
    start: new Date(start).toISOString(),
    end: new Date(start + 60 * MIN).toISOString(),
    status: 'confirmed',
    createdAt: '2026-11-01T00:00:00Z',
    cancelledAt: null,
    cancelledBy: null,
    outcome: null,
    heldUntil: null,
    confirmedAt: null,
    priceMinor: 0,
    currency: 'INR',
    seriesId: null,
    rescheduledFrom: null,
    ...over,
  };
}

describe('lesson times', () => {
  it('opens the room 10 minutes before the start and closes it after the grace', () => {
    const b = booking();
    expect(roomWindow(b).opensAt).toBe(start - 10 * MIN);
    expect(lessonPhase(b, start - 10 * MIN - 1)).toBe('upcoming');
    expect(lessonPhase(b, start - 10 * MIN)).toBe('room_open');
    expect(lessonPhase(b, start + 60 * MIN + 15 * MIN - 1)).toBe('room_open');
    expect(lessonPhase(b, start + 75 * MIN)).toBe('past');
    expect(lessonPhase(booking({ status: 'cancelled', outcome: 'cancelled' }), start - 60 * MIN)).toBe('past');
  });

  it('sorts upcoming soonest first and past latest first', () => {
    const later = booking({ id: 'later', start: new Date(start + 86_400_000).toISOString(), end: new Date(start + 86_400_000 + 60 * MIN).toISOString() });
    const old = booking({ id: 'old', start: new Date(start - 86_400_000).toISOString(), end: new Date(start - 86_400_000 + 60 * MIN).toISOString() });
    const cancelled = booking({ id: 'cancelled', status: 'cancelled', outcome: 'late_cancellation' });
    const { upcoming, past } = splitLessons([later, old, booking(), cancelled], start - 60 * MIN);
    expect(upcoming.map((b) => b.id)).toEqual(['b1', 'later']);
    expect(past.map((b) => b.id)).toEqual(['cancelled', 'old']);
  });

  it('calls a cancellation late inside the free window, and unknown without a policy', () => {
    const b = booking();
    expect(isLateCancellation(b, 24, start - 25 * 60 * MIN)).toBe(false);
    expect(isLateCancellation(b, 24, start - 23 * 60 * MIN)).toBe(true);
    expect(isLateCancellation(b, null, start)).toBeNull();
  });

  it('names outcomes', () => {
    expect(lessonStatus(booking()).text).toBe('Confirmed');
    expect(lessonStatus(booking({ status: 'cancelled', outcome: 'late_cancellation' }))).toEqual({ text: 'Cancelled late', tone: 'warn' });
    expect(lessonStatus(booking({ status: 'completed', outcome: 'completed' })).tone).toBe('done');
  });
});

describe('the other person of a lesson', () => {
  const parties = { tutor: { id: 't', displayName: 'Meera Iyer', timeZone: 'Asia/Kolkata' }, student: { id: 's', displayName: 'Ishaan Das', timeZone: 'America/New_York' } };
  it('is the student for a tutor and the tutor for a student, each with their own zone', () => {
    expect(otherParty(parties, 'tutor')).toEqual({ name: 'Ishaan Das', zone: 'America/New_York' });
    expect(otherParty(parties, 'student')).toEqual({ name: 'Meera Iyer', zone: 'Asia/Kolkata' });
  });
});
