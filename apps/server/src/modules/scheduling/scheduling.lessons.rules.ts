/**
 * Booked lessons in the live room: when a booking's room may be opened, and how a lesson ends (completed or a
 * no-show) from who joined the room when. Pure: the booking, the joins and the time are passed in.
 */
import { LESSON_TIMES } from '@tutorline/contracts/plain';

const MINUTE_MS = 60_000;
export const ROOM_OPENS_MINUTES_BEFORE = LESSON_TIMES.roomOpensMinutesBefore;
export const ROOM_GRACE_MINUTES = LESSON_TIMES.roomGraceMinutes;
export const NO_SHOW_AFTER_MINUTES = LESSON_TIMES.noShowAfterMinutes;

type BookingStatus = 'held' | 'confirmed' | 'cancelled' | 'completed' | 'no_show';
export interface LessonTimes {
  startsAt: Date;
  endsAt: Date;
}

const plus = (d: Date, minutes: number) => new Date(d.getTime() + minutes * MINUTE_MS);

/** The room opens ROOM_OPENS_MINUTES_BEFORE the start and closes ROOM_GRACE_MINUTES after the end. */
export function roomWindow(b: LessonTimes): { opensAt: Date; closesAt: Date } {
  return { opensAt: plus(b.startsAt, -ROOM_OPENS_MINUTES_BEFORE), closesAt: plus(b.endsAt, ROOM_GRACE_MINUTES) };
}

/** The last moment a join counts as turning up. */
export const noShowDeadline = (b: LessonTimes): Date => plus(b.startsAt, NO_SHOW_AFTER_MINUTES);

export type RoomEntry = 'open' | 'too_early' | 'ended' | 'cancelled' | 'not_confirmed';

/** Whether a party may open (or re-open) the booking's room now. */
export function roomEntry(b: LessonTimes & { status: BookingStatus }, now: Date): RoomEntry {
  if (b.status === 'cancelled') return 'cancelled';
  if (b.status === 'completed' || b.status === 'no_show') return 'ended';
  if (b.status !== 'confirmed') return 'not_confirmed';
  const w = roomWindow(b);
  if (now < w.opensAt) return 'too_early';
  if (now >= w.closesAt) return 'ended';
  return 'open';
}

export type LessonOutcome = 'completed' | 'tutor_no_show' | 'student_no_show' | 'both_no_show';
export type LessonDecision = { settle: false; reason: 'too_soon' | 'in_progress' } | { settle: true; status: 'completed' | 'no_show'; outcome: LessonOutcome };

/**
 * How a confirmed lesson ends. `tutorJoinedAt`/`studentJoinedAt` are each party's first join of the room (null: never).
 * A party who first joined after start + NO_SHOW_AFTER_MINUTES did not turn up; leaving after joining still counts as
 * having turned up. No-shows are decided at that deadline; a lesson both turned up to completes at its end. Joins after
 * the deadline are ignored, so the answer does not depend on when the sweep runs.
 */
export function decideLesson(b: LessonTimes, joins: { tutorJoinedAt: Date | null; studentJoinedAt: Date | null }, now: Date): LessonDecision {
  const deadline = noShowDeadline(b);
  if (now < deadline) return { settle: false, reason: 'too_soon' };
  const tutor = joins.tutorJoinedAt !== null && joins.tutorJoinedAt <= deadline;
  const student = joins.studentJoinedAt !== null && joins.studentJoinedAt <= deadline;
  if (!tutor && !student) return { settle: true, status: 'no_show', outcome: 'both_no_show' };
  if (!tutor) return { settle: true, status: 'no_show', outcome: 'tutor_no_show' };
  if (!student) return { settle: true, status: 'no_show', outcome: 'student_no_show' };
  if (now < b.endsAt) return { settle: false, reason: 'in_progress' };
  return { settle: true, status: 'completed', outcome: 'completed' };
}

/** The in-app notice each party gets when a lesson is settled. */
export function lessonNotice(outcome: LessonOutcome, party: 'tutor' | 'student'): { kind: 'lesson_completed' | 'lesson_no_show'; text: string } {
  if (outcome === 'completed') return { kind: 'lesson_completed', text: 'Your lesson is complete.' };
  const text: Record<Exclude<LessonOutcome, 'completed'>, Record<'tutor' | 'student', string>> = {
    tutor_no_show: { tutor: 'You did not join your lesson: it is recorded as a tutor no-show.', student: 'Your tutor did not join the lesson: it is recorded as a tutor no-show.' },
    student_no_show: { tutor: 'Your student did not join the lesson: it is recorded as a student no-show.', student: 'You did not join your lesson: it is recorded as a student no-show.' },
    both_no_show: { tutor: 'Nobody joined the lesson: it is recorded as a no-show by both.', student: 'Nobody joined the lesson: it is recorded as a no-show by both.' },
  };
  return { kind: 'lesson_no_show', text: text[outcome][party] };
}
