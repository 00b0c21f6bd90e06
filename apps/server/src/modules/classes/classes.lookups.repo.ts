import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { classEnrolments, classes } from './classes.schema';

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
