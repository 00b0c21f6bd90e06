import { describe, expect, it } from 'vitest';
import { attendanceIntervals, canEnrol, csvCell, decideAccess, decideSettlement, leaveRefund, minutesPresent, reminderPlan, roomWindow } from './classes.rules';

const start = new Date('2026-12-10T13:00:00Z');
const end = new Date('2026-12-10T14:00:00Z');
const at = (minutesFromStart: number) => new Date(start.getTime() + minutesFromStart * 60_000);
const cls = (status: 'scheduled' | 'cancelled' | 'completed' | 'tutor_no_show' = 'scheduled') => ({ startsAt: start, endsAt: end, status, tutorId: 'T' });

describe('decideAccess', () => {
  it('opens 10 minutes before the start for the tutor and enrolled learners, closes 15 minutes after the end', () => {
    expect(roomWindow(cls())).toEqual({ opensAt: at(-10), closesAt: at(75) });
    expect(decideAccess(cls(), { userId: 'L', isAdmin: false, enrolled: true }, at(-11))).toEqual({ ok: false, reason: 'not_open_yet' });
    expect(decideAccess(cls(), { userId: 'L', isAdmin: false, enrolled: true }, at(-10))).toEqual({ ok: true, role: 'learner' });
    expect(decideAccess(cls(), { userId: 'T', isAdmin: false, enrolled: false }, at(74))).toEqual({ ok: true, role: 'teacher' });
    expect(decideAccess(cls(), { userId: 'T', isAdmin: false, enrolled: false }, at(75))).toEqual({ ok: false, reason: 'class_over' });
  });
  it('admins observe (also before the room opens); strangers are not enrolled; a cancelled or settled class is shut', () => {
    expect(decideAccess(cls(), { userId: 'A', isAdmin: true, enrolled: false }, at(-60))).toEqual({ ok: true, role: 'observer' });
    expect(decideAccess(cls(), { userId: 'S', isAdmin: false, enrolled: false }, at(0))).toEqual({ ok: false, reason: 'not_enrolled' });
    expect(decideAccess(cls('cancelled'), { userId: 'L', isAdmin: false, enrolled: true }, at(0))).toEqual({ ok: false, reason: 'class_cancelled' });
    expect(decideAccess(cls('completed'), { userId: 'L', isAdmin: false, enrolled: true }, at(0))).toEqual({ ok: false, reason: 'class_over' });
  });
});

describe('enrolment, leaving and settlement', () => {
  it('enrols only before the start of a scheduled class, never in your own', () => {
    expect(canEnrol(cls(), 'L', at(-1))).toEqual({ ok: true });
    expect(canEnrol(cls(), 'L', at(0))).toEqual({ ok: false, reason: 'class_not_open' });
    expect(canEnrol(cls('cancelled'), 'L', at(-100))).toEqual({ ok: false, reason: 'class_not_open' });
    expect(canEnrol(cls(), 'T', at(-100))).toEqual({ ok: false, reason: 'own_class' });
  });
  it('refunds a leaver in full until 24 hours before the start, nothing later', () => {
    expect(leaveRefund({ startsAt: start, priceMinor: 500 }, at(-24 * 60))).toEqual({ amountMinor: 500, late: false });
    expect(leaveRefund({ startsAt: start, priceMinor: 500 }, at(-24 * 60 + 1))).toEqual({ amountMinor: 0, late: true });
  });
  it('settles at the end: taught → completed, not joined → tutor no-show, cancelled never', () => {
    expect(decideSettlement({ ...cls(), tutorJoinedAt: at(-5) }, at(59))).toEqual({ settle: false });
    expect(decideSettlement({ ...cls(), tutorJoinedAt: at(-5) }, at(60))).toEqual({ settle: true, outcome: 'completed' });
    expect(decideSettlement({ ...cls(), tutorJoinedAt: null }, at(60))).toEqual({ settle: true, outcome: 'tutor_no_show' });
    expect(decideSettlement({ ...cls(), tutorJoinedAt: at(61) }, at(70))).toEqual({ settle: true, outcome: 'tutor_no_show' });
    expect(decideSettlement({ ...cls('cancelled'), tutorJoinedAt: null }, at(600))).toEqual({ settle: false });
  });
  it('plans the reminders still ahead', () => {
    expect(reminderPlan(start, at(-48 * 60)).map((r) => [r.kind, r.runAt])).toEqual([
      ['24h', at(-24 * 60)],
      ['15m', at(-15)],
    ]);
    expect(reminderPlan(start, at(-60)).map((r) => r.kind)).toEqual(['15m']);
    expect(reminderPlan(start, at(1))).toEqual([]);
  });
});

describe('attendance', () => {
  it('folds joins and leaves into intervals (a repeated join or a stray leave changes nothing) and counts the minutes', () => {
    const rows = [
      { userId: 'L', kind: 'leave' as const, at: at(-20) },
      { userId: 'L', kind: 'join' as const, at: at(0) },
      { userId: 'L', kind: 'join' as const, at: at(5) },
      { userId: 'L', kind: 'leave' as const, at: at(10) },
      { userId: 'L', kind: 'join' as const, at: at(30) },
    ];
    const got = attendanceIntervals(rows).get('L')!;
    expect(got).toEqual([
      { joinedAt: at(0), leftAt: at(10) },
      { joinedAt: at(30), leftAt: null },
    ]);
    expect(minutesPresent(got, at(0), at(60))).toBe(40);
    // Only the class's time counts: joining 5 minutes early, or staying past `until`, adds nothing.
    expect(minutesPresent([{ joinedAt: at(-5), leftAt: at(20) }], at(0), at(60))).toBe(20);
    expect(minutesPresent([{ joinedAt: at(50), leftAt: at(75) }, { joinedAt: at(-30), leftAt: at(-10) }], at(0), at(60))).toBe(10);
  });
  it('writes CSV cells safely', () => {
    expect(csvCell('Ana')).toBe('Ana');
    expect(csvCell('Doe, "Jo"')).toBe('"Doe, ""Jo"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
  });
});
