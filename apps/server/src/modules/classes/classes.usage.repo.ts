import { and, eq, gte, lt, ne, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { classAttendance, classes } from './classes.schema';

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
