import { describe, expect, it } from 'vitest';
import { decideLesson, type LessonDecision, lessonNotice, NO_SHOW_AFTER_MINUTES, roomEntry, roomWindow } from './scheduling.lessons.rules';

const start = new Date('2026-12-07T12:30:00.000Z');
const end = new Date('2026-12-07T13:30:00.000Z');
const lesson = { startsAt: start, endsAt: end };
const at = (minutesFromStart: number) => new Date(start.getTime() + minutesFromStart * 60_000);

describe('the room of a booked lesson', () => {
  it('opens 10 minutes before the start and closes 15 minutes after the end', () => {
    expect(roomWindow(lesson)).toEqual({ opensAt: at(-10), closesAt: at(75) });
  });

  it.each([
    ['confirmed', -11, 'too_early'],
    ['confirmed', -10.01, 'too_early'],
    ['confirmed', -10, 'open'],
    ['confirmed', 0, 'open'],
    ['confirmed', 60, 'open'],
    ['confirmed', 74.99, 'open'],
    ['confirmed', 75, 'ended'],
    ['cancelled', 0, 'cancelled'],
    ['cancelled', -60, 'cancelled'],
    ['completed', 30, 'ended'],
    ['no_show', 20, 'ended'],
    ['held', 0, 'not_confirmed'],
  ] as const)('a %s booking at start %s min: %s', (status, minutes, expected) => {
    expect(roomEntry({ ...lesson, status }, at(minutes))).toBe(expected);
  });
});

describe('how a lesson ends, from who joined when', () => {
  const completed: LessonDecision = { settle: true, status: 'completed', outcome: 'completed' };
  const noShow = (outcome: 'tutor_no_show' | 'student_no_show' | 'both_no_show'): LessonDecision => ({ settle: true, status: 'no_show', outcome });
  const cases: { name: string; tutor: number | null; student: number | null; now: number; expected: LessonDecision }[] = [
    { name: 'both on time, lesson over', tutor: -5, student: 0, now: 60, expected: completed },
    { name: 'both on time, lesson still running', tutor: -5, student: 0, now: 59, expected: { settle: false, reason: 'in_progress' } },
    { name: 'both on time, checked at the deadline', tutor: 1, student: 2, now: NO_SHOW_AFTER_MINUTES, expected: { settle: false, reason: 'in_progress' } },
    { name: 'student joined late but within the window', tutor: 0, student: 15, now: 61, expected: completed },
    { name: 'tutor joined late but within the window', tutor: 14, student: 0, now: 90, expected: completed },
    { name: 'tutor joined then left (still turned up)', tutor: 0, student: 1, now: 60, expected: completed },
    { name: 'only the student joined', tutor: null, student: 0, now: 15, expected: noShow('tutor_no_show') },
    { name: 'only the tutor joined', tutor: -8, student: null, now: 15, expected: noShow('student_no_show') },
    { name: 'nobody opened the room', tutor: null, student: null, now: 15, expected: noShow('both_no_show') },
    { name: 'nobody opened the room, swept long after', tutor: null, student: null, now: 600, expected: noShow('both_no_show') },
    { name: 'tutor joined after the window', tutor: 16, student: 0, now: 60, expected: noShow('tutor_no_show') },
    { name: 'student joined after the window', tutor: 0, student: 20, now: 60, expected: noShow('student_no_show') },
    { name: 'both after the window', tutor: 20, student: 30, now: 60, expected: noShow('both_no_show') },
    { name: 'too soon to say: nobody yet, before the deadline', tutor: null, student: null, now: 14.99, expected: { settle: false, reason: 'too_soon' } },
    { name: 'too soon to say: before the start', tutor: -5, student: null, now: -1, expected: { settle: false, reason: 'too_soon' } },
  ];
  it.each(cases)('$name', ({ tutor, student, now, expected }) => {
    const joins = { tutorJoinedAt: tutor === null ? null : at(tutor), studentJoinedAt: student === null ? null : at(student) };
    expect(decideLesson(lesson, joins, at(now))).toEqual(expected);
  });

  it('gives the same answer however late the sweep runs, once settled', () => {
    for (const c of cases.filter((x) => x.expected.settle)) {
      const joins = { tutorJoinedAt: c.tutor === null ? null : at(c.tutor), studentJoinedAt: c.student === null ? null : at(c.student) };
      expect(decideLesson(lesson, joins, at(c.now + 24 * 60))).toEqual(c.expected);
    }
  });

  it('tells each party what happened', () => {
    expect(lessonNotice('completed', 'tutor')).toMatchObject({ kind: 'lesson_completed' });
    expect(lessonNotice('tutor_no_show', 'student')).toEqual({ kind: 'lesson_no_show', text: 'Your tutor did not join the lesson: it is recorded as a tutor no-show.' });
    expect(lessonNotice('student_no_show', 'tutor').text).toMatch(/student did not join/);
    expect(lessonNotice('both_no_show', 'student').kind).toBe('lesson_no_show');
  });
});
