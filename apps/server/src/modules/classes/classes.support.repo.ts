import { desc, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { classAttendance, classEnrolments, classes } from './classes.schema';

/** A learner's seat in a class as support's timeline shows it (#18): the seat, the class, and when they were in its room. */
export interface TimelineClassSeat {
  classId: string;
  title: string;
  subjectId: string;
  startsAt: Date;
  endsAt: Date;
  classStatus: (typeof classes.$inferSelect)['status'];
  seatStatus: (typeof classEnrolments.$inferSelect)['status'];
  firstJoinAt: Date | null;
  lastLeaveAt: Date | null;
}

/** A class a tutor taught (or was to teach), with how many learners held a seat and how many came. */
export interface TimelineClassTaught {
  classId: string;
  title: string;
  subjectId: string;
  startsAt: Date;
  classStatus: (typeof classes.$inferSelect)['status'];
  enrolled: number;
  came: number;
}

// Written out: in a select from one table drizzle leaves its columns unqualified, which inside these subqueries would name class_attendance's own.
const classId = sql.raw('"classes"."id"');
const classTutor = sql.raw('"classes"."tutor_id"');
const seatHolder = sql.raw('"class_enrolments"."student_id"');

const asDate = (v: Date | string | null) => (v === null ? null : v instanceof Date ? v : new Date(v));

/** The learner's newest class seats (by the class's start), at most `limit`. */
export async function classSeatsForTimeline(q: Db | Tx, studentId: string, limit: number): Promise<TimelineClassSeat[]> {
  const firstJoin = sql<Date | string | null>`(select min(${classAttendance.at}) from ${classAttendance} where ${classAttendance.classId} = ${classId} and ${classAttendance.userId} = ${seatHolder} and ${classAttendance.kind} = 'join')`;
  const lastLeave = sql<Date | string | null>`(select max(${classAttendance.at}) from ${classAttendance} where ${classAttendance.classId} = ${classId} and ${classAttendance.userId} = ${seatHolder} and ${classAttendance.kind} = 'leave')`;
  const rows = await q
    .select({ classId: classes.id, title: classes.title, subjectId: classes.subjectId, startsAt: classes.startsAt, endsAt: classes.endsAt, classStatus: classes.status, seatStatus: classEnrolments.status, firstJoinAt: firstJoin, lastLeaveAt: lastLeave })
    .from(classEnrolments)
    .innerJoin(classes, eq(classes.id, classEnrolments.classId))
    .where(eq(classEnrolments.studentId, studentId))
    .orderBy(desc(classes.startsAt), desc(classEnrolments.enrolledAt))
    .limit(limit);
  return rows.map((r) => ({ ...r, firstJoinAt: asDate(r.firstJoinAt), lastLeaveAt: asDate(r.lastLeaveAt) }));
}

/** The tutor's newest classes (by start), at most `limit`, each with its seats and the learners who joined its room. */
export async function classesTaughtForTimeline(q: Db | Tx, tutorId: string, limit: number): Promise<TimelineClassTaught[]> {
  const came = sql<number>`(select count(distinct ${classAttendance.userId})::int from ${classAttendance} where ${classAttendance.classId} = ${classId} and ${classAttendance.kind} = 'join' and ${classAttendance.userId} <> ${classTutor})`;
  const rows = await q
    .select({ classId: classes.id, title: classes.title, subjectId: classes.subjectId, startsAt: classes.startsAt, classStatus: classes.status, enrolled: classes.enrolledCount, came })
    .from(classes)
    .where(eq(classes.tutorId, tutorId))
    .orderBy(desc(classes.startsAt))
    .limit(limit);
  return rows.map((r) => ({ ...r, came: Number(r.came) }));
}
