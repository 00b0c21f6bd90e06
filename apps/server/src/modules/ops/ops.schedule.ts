import type { OpsSchedule, OpsSummary } from '@tutorline/contracts';
import type { Db } from '../../platform/db';
import { classesOfDay } from '../classes';
import { accountsByIds } from '../identity';
import { lessonsOfDay } from '../scheduling';
import { DAY_MS } from './ops.rules';

/** The rollup metrics the lessons-and-classes tile reads (scheduling's and classes' facts, decision 060). */
export const SCHEDULE_METRICS = ['lessons.settled', 'lessons.late_cancel', 'classes.settled', 'classes.nobody_came', 'classes.cancelled'] as const;

type Row = { day?: string; metric: string; dim: string; value: number };
const total = (rows: readonly Row[], metric: string, dim?: string) => rows.filter((r) => r.metric === metric && (dim === undefined || r.dim === dim)).reduce((s, r) => s + r.value, 0);

/**
 * The tile's figures (pure): today's outcomes from today's hourly rollups, the 7 days from the week's per-day rollups,
 * today's and upcoming counts from the live reads. A lesson nobody joined ('both_no_show') counts as "nobody came", not
 * as a tutor's or a student's no-show; every other no-show counts once, for whoever missed it.
 */
export function scheduleFigures(input: {
  today: readonly Row[];
  week: readonly Row[];
  days: readonly string[];
  lessons: { total: number; upcoming: number };
  classes: { total: number; upcoming: number };
}): OpsSummary['schedule'] {
  const { today, week } = input;
  return {
    lessons: {
      today: input.lessons.total,
      upcoming: input.lessons.upcoming,
      completed: total(today, 'lessons.settled', 'completed'),
      tutorNoShows: total(today, 'lessons.settled', 'tutor_no_show'),
      studentNoShows: total(today, 'lessons.settled', 'student_no_show'),
      nobodyCame: total(today, 'lessons.settled', 'both_no_show'),
      lateCancellations: total(today, 'lessons.late_cancel'),
    },
    classes: {
      today: input.classes.total,
      upcoming: input.classes.upcoming,
      completed: total(today, 'classes.settled', 'completed'),
      tutorNoShows: total(today, 'classes.settled', 'tutor_no_show'),
      nobodyCame: total(today, 'classes.nobody_came'),
      cancelled: total(today, 'classes.cancelled'),
    },
    days: input.days.map((day) => {
      const of = week.filter((r) => r.day === day);
      return {
        day,
        completed: total(of, 'lessons.settled', 'completed') + total(of, 'classes.settled', 'completed'),
        noShows: total(of, 'lessons.settled', 'tutor_no_show') + total(of, 'lessons.settled', 'student_no_show') + total(of, 'classes.settled', 'tutor_no_show'),
        nobodyCame: total(of, 'lessons.settled', 'both_no_show') + total(of, 'classes.nobody_came'),
        lateCancellations: total(of, 'lessons.late_cancel'),
      };
    }),
  };
}

/** At most this many lessons and this many classes in the day's list. */
export const SCHEDULE_LIST_LIMIT = 500;

/** The list behind the tile: one UTC day's lessons and classes with the people's names (read through their modules). */
export async function scheduleOfDay(db: Db, day: Date): Promise<OpsSchedule> {
  const range = { from: day, to: new Date(day.getTime() + DAY_MS) };
  const [lessons, classes] = await Promise.all([lessonsOfDay(db, range, SCHEDULE_LIST_LIMIT), classesOfDay(db, range, SCHEDULE_LIST_LIMIT)]);
  const people = new Map((await accountsByIds(db, [...lessons.flatMap((l) => [l.tutorId, l.studentId]), ...classes.map((c) => c.tutorId)])).map((a) => [a.id, a.displayName]));
  const person = (id: string) => ({ id, displayName: people.get(id) ?? 'Unknown account' });
  return {
    day: day.toISOString().slice(0, 10),
    lessons: lessons.map((l) => ({ id: l.id, startsAt: l.startsAt.toISOString(), endsAt: l.endsAt.toISOString(), tutor: person(l.tutorId), student: person(l.studentId), subjectId: l.subjectId, status: l.status, outcome: l.outcome })),
    classes: classes.map((c) => ({ id: c.id, title: c.title, startsAt: c.startsAt.toISOString(), endsAt: c.endsAt.toISOString(), tutor: person(c.tutorId), status: c.status, enrolled: c.enrolled, attended: c.attended })),
    truncated: lessons.length === SCHEDULE_LIST_LIMIT || classes.length === SCHEDULE_LIST_LIMIT,
  };
}
