import { describe, expect, it } from 'vitest';
import { checkEntry, classSeatEntry, classTaughtEntry, newestFirst, noticeEntry, ticketEntry } from './support.timeline.rules';

const at = (m: number) => new Date(Date.parse('2026-12-01T09:00:00Z') + m * 60_000);
const seat = { classId: 'c1', title: 'Fractions', subjectId: 'maths', startsAt: at(0), endsAt: at(60), classStatus: 'completed' as const, seatStatus: 'enrolled' as const, firstJoinAt: null, lastLeaveAt: null };

describe('support timeline words (#18)', () => {
  it('counts a learner still in the room at the end up to the end, and says no leave was recorded', () => {
    expect(classSeatEntry({ ...seat, firstJoinAt: at(0) }).detail).toBe('attended · joined on time · 60 min in the room · no leave recorded');
    expect(classSeatEntry({ ...seat, firstJoinAt: at(10), lastLeaveAt: at(90) }).detail).toBe('attended · joined 10 min after the start · 50 min in the room');
  });

  it('marks a class the tutor never came to as a problem for both sides', () => {
    expect(classSeatEntry({ ...seat, classStatus: 'tutor_no_show' })).toMatchObject({ detail: 'missed: never joined the room · class tutor no show', problem: true });
    expect(classTaughtEntry({ classId: 'c1', title: 'Fractions', subjectId: 'maths', startsAt: at(0), classStatus: 'tutor_no_show', enrolled: 3, came: 2 })).toMatchObject({ detail: 'tutor no show · 2 of 3 came', problem: true });
  });

  it('keeps a seat on hold or an upcoming class out of the problems', () => {
    expect(classSeatEntry({ ...seat, classStatus: 'scheduled', seatStatus: 'held' })).toMatchObject({ detail: 'seat held for payment', problem: false });
  });

  it("gives a retried push its reason on one bounded line, and a report without rows only its device", () => {
    const retrying = noticeEntry({ channel: 'push', kind: 'lesson_reminder', status: 'retrying', reason: `push service answered 503:\n${'x'.repeat(300)}`, at: at(0) });
    expect(retrying.detail!.startsWith('retrying: push service answered 503: xxx')).toBe(true);
    expect(retrying.detail!.length).toBeLessThan(180);
    expect(retrying.problem).toBe(false);
    expect(checkEntry({ code: 'K7Q4-M2XA', overall: 'warn', rows: [], device: null, at: at(0) })).toMatchObject({ detail: null, ref: 'K7Q4-M2XA' });
  });

  it('says a waiting ticket waits for the user, and orders entries newest first within a bound', () => {
    expect(ticketEntry({ id: 't', ref: 'T-1', areas: [], status: 'waiting', createdAt: at(0), solvedAt: null })).toMatchObject({ title: 'Ticket T-1: problem', detail: 'waiting for the user', problem: true });
    const entries = [0, 2, 1].map((m) => noticeEntry({ channel: 'in-app', kind: 'k', status: 'read', reason: null, at: at(m) }));
    expect(newestFirst(entries, 2).map((e) => e.at)).toEqual([at(2).toISOString(), at(1).toISOString()]);
  });
});
