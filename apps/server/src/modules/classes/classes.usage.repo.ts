import { and, eq, gte, lt, ne, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { classAttendance, classEnrolments, classes } from './classes.schema';

/** Classes these students joined (at least once) that started in the range (usage reports, through index.ts; #16). */
export async function classesJoinedByStudents(q: Db | Tx, studentIds: readonly string[], range: { since: Date; until: Date }): Promise<{ classId: string; studentId: string; title: string; startsAt: Date; endsAt: Date }[]> {
  const ids = [...new Set(studentIds)];
  if (!ids.length) return [];
  return q
    .selectDistinct({ classId: classes.id, studentId: classAttendance.userId, title: classes.title, startsAt: classes.startsAt, endsAt: classes.endsAt })
    .from(classAttendance)
    .innerJoin(classes, eq(classes.id, classAttendance.classId))
    .where(and(eq(classAttendance.kind, 'join'), ne(classAttendance.userId, classes.tutorId), sql`${classAttendance.userId} = any(${sql.param(ids)}::uuid[])`, gte(classes.startsAt, range.since), lt(classes.startsAt, range.until)));
}

/** The seats taken from this LMS course (#16), whatever became of them: a course's usage report counts only these classes. */
export async function enrolmentsOfCourse(q: Db | Tx, courseId: string): Promise<{ classId: string; studentId: string }[]> {
  return q.selectDistinct({ classId: classEnrolments.classId, studentId: classEnrolments.studentId }).from(classEnrolments).where(eq(classEnrolments.courseId, courseId));
}
