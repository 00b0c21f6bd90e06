import { and, asc, eq, gte, ilike, inArray, lt, ne } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { classAttendance, classEnrolments, classes } from './classes.schema';

/** A class seat as billing may read it (through index.ts): who holds it, in which class, at what price. */
export interface ClassSeat {
  enrolmentId: string;
  classId: string;
  studentId: string;
  tutorId: string;
  status: (typeof classEnrolments.$inferSelect)['status'];
  heldUntil: Date | null;
  title: string;
  startsAt: Date;
  priceMinor: number;
  currency: string;
}

/** One seat, in the caller's transaction when it passes one; undefined for an id that names none. */
export async function classSeatById(q: Db | Tx, enrolmentId: string): Promise<ClassSeat | undefined> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(enrolmentId)) return undefined;
  const [row] = await q
    .select({
      enrolmentId: classEnrolments.id,
      classId: classes.id,
      studentId: classEnrolments.studentId,
      tutorId: classes.tutorId,
      status: classEnrolments.status,
      heldUntil: classEnrolments.heldUntil,
      title: classes.title,
      startsAt: classes.startsAt,
      priceMinor: classes.priceMinor,
      currency: classes.currency,
    })
    .from(classEnrolments)
    .innerJoin(classes, eq(classes.id, classEnrolments.classId))
    .where(eq(classEnrolments.id, enrolmentId));
  return row;
}

/** A learner who came to a class (#17, recommendations): one row per learner and class, at its start. */
export interface ClassAttended {
  studentId: string;
  tutorId: string;
  subjectId: string;
  level: string;
  startsAt: Date;
}

/** Learners (one, when given; never the class's tutor) who joined the room of a class that started in [since, until). */
export async function classesAttendedBetween(q: Db | Tx, range: { since: Date; until: Date; studentId?: string | undefined }): Promise<ClassAttended[]> {
  return q
    .selectDistinct({ studentId: classAttendance.userId, tutorId: classes.tutorId, subjectId: classes.subjectId, level: classes.level, startsAt: classes.startsAt })
    .from(classAttendance)
    .innerJoin(classes, eq(classes.id, classAttendance.classId))
    .where(and(eq(classAttendance.kind, 'join'), ne(classAttendance.userId, classes.tutorId), gte(classes.startsAt, range.since), lt(classes.startsAt, range.until), range.studentId ? eq(classAttendance.userId, range.studentId) : undefined));
}

/** A class as a picker lists it (the LTI deep-link page, #16). */
export interface ClassPick {
  id: string;
  title: string;
  startsAt: Date;
  seriesId: string | null;
}

/**
 * Scheduled classes that have not started, for pickers: by title (contains, any case; all when empty), or exactly the
 * given class or series ids (to check a chosen one), soonest first, at most `limit`.
 */
export async function upcomingClassesForPicker(q: Db | Tx, p: { now: Date; titleContains?: string; classIds?: readonly string[]; seriesIds?: readonly string[]; limit: number }): Promise<ClassPick[]> {
  const ids = (xs: readonly string[] | undefined) => (xs ?? []).filter((x) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(x));
  const classIds = ids(p.classIds);
  const seriesIds = ids(p.seriesIds);
  const like = `%${(p.titleContains ?? '').replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const which = p.classIds ? inArray(classes.id, classIds.length ? classIds : ['00000000-0000-0000-0000-000000000000']) : p.seriesIds ? inArray(classes.seriesId, seriesIds.length ? seriesIds : ['00000000-0000-0000-0000-000000000000']) : ilike(classes.title, like);
  return q
    .select({ id: classes.id, title: classes.title, startsAt: classes.startsAt, seriesId: classes.seriesId })
    .from(classes)
    .where(and(eq(classes.status, 'scheduled'), gte(classes.startsAt, p.now), which))
    .orderBy(asc(classes.startsAt), asc(classes.id))
    .limit(p.limit);
}
