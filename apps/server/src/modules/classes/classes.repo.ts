import { and, asc, eq, gt, gte, inArray, isNull, lt, lte, type SQL, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { classAttendance, classEnrolments, classes } from './classes.schema';

export type ClassRow = typeof classes.$inferSelect;
export type NewClassRow = typeof classes.$inferInsert;
export type EnrolmentRow = typeof classEnrolments.$inferSelect;

export interface ClassFilter {
  subjectId?: string | undefined;
  level?: string | undefined;
  language?: string | undefined;
  tutorId?: string | undefined;
  seriesId?: string | undefined;
  from: Date;
  to?: Date | undefined;
  price?: 'free' | 'paid' | undefined;
  limit: number;
}

/** Thrown inside an enrolment's transaction to undo the seat it inserted: the class had no seat left. */
class NoSeat extends Error {}
/** Thrown inside a seat's transaction when the learner is not in the course it names: nothing is taken. */
class NotInCourse extends Error {}

const isUniqueViolation = (err: unknown) => {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code === '23505' || e?.cause?.code === '23505';
};

/** The only code that touches the classes module's tables. */
export function createClassesRepo(db: Db) {
  const findById = async (id: string, q: Db | Tx = db): Promise<ClassRow | undefined> => (await q.select().from(classes).where(eq(classes.id, id)))[0];
  const ofStudent = async (studentId: string, from: Date, to?: Date): Promise<ClassRow[]> => {
    const rows = await db
      .select({ c: classes })
      .from(classEnrolments)
      .innerJoin(classes, eq(classes.id, classEnrolments.classId))
      .where(and(eq(classEnrolments.studentId, studentId), eq(classEnrolments.status, 'enrolled'), gt(classes.endsAt, from), ...(to ? [lt(classes.startsAt, to)] : [])))
      .orderBy(asc(classes.startsAt))
      .limit(500);
    return rows.map((r) => r.c);
  };
  return {
    db,
    findById,
    /** Classes a learner holds a seat in, from `from` on. */
    ofStudent,

    async insertClasses(tx: Db | Tx, rows: NewClassRow[]): Promise<ClassRow[]> {
      return tx.insert(classes).values(rows).returning();
    },

    async list(f: ClassFilter): Promise<ClassRow[]> {
      const where: SQL[] = [eq(classes.status, 'scheduled'), gt(classes.endsAt, f.from)];
      if (f.to) where.push(lt(classes.startsAt, f.to));
      if (f.subjectId) where.push(eq(classes.subjectId, f.subjectId));
      if (f.level) where.push(eq(classes.level, f.level));
      if (f.language) where.push(sql`lower(${classes.language}) = lower(${f.language})`);
      if (f.tutorId) where.push(eq(classes.tutorId, f.tutorId));
      if (f.seriesId) where.push(eq(classes.seriesId, f.seriesId));
      if (f.price === 'free') where.push(eq(classes.priceMinor, 0));
      if (f.price === 'paid') where.push(gt(classes.priceMinor, 0));
      return db.select().from(classes).where(and(...where)).orderBy(asc(classes.startsAt), asc(classes.id)).limit(f.limit);
    },

    /** A tutor's own classes (every status), from `from` on. */
    async ofTutor(tutorId: string, from: Date): Promise<ClassRow[]> {
      return db.select().from(classes).where(and(eq(classes.tutorId, tutorId), gt(classes.endsAt, from))).orderBy(asc(classes.startsAt)).limit(200);
    },

    /** The learner's live seat in the class: held (being paid for) or enrolled. */
    /** A live seat taken without a course is tagged with one (a learner who enrolled, then came from the course link). */
    async tagEnrolment(tx: Tx, enrolmentId: string, courseId: string): Promise<EnrolmentRow | undefined> {
      const [row] = await tx.update(classEnrolments).set({ courseId }).where(and(eq(classEnrolments.id, enrolmentId), isNull(classEnrolments.courseId))).returning();
      return row;
    },

    async liveEnrolment(q: Db | Tx, classId: string, studentId: string): Promise<EnrolmentRow | undefined> {
      return (await q.select().from(classEnrolments).where(and(eq(classEnrolments.classId, classId), eq(classEnrolments.studentId, studentId), inArray(classEnrolments.status, ['held', 'enrolled']))))[0];
    },

    async enrolmentById(q: Db | Tx, id: string): Promise<EnrolmentRow | undefined> {
      return (await q.select().from(classEnrolments).where(eq(classEnrolments.id, id)))[0];
    },

    /** The learner's live seats among these classes, by class id. */
    async enrolledIn(classIds: readonly string[], studentId: string): Promise<Map<string, { id: string; status: 'held' | 'enrolled'; heldUntil: Date | null }>> {
      if (classIds.length === 0) return new Map();
      const rows = await db
        .select({ classId: classEnrolments.classId, id: classEnrolments.id, status: classEnrolments.status, heldUntil: classEnrolments.heldUntil })
        .from(classEnrolments)
        .where(and(inArray(classEnrolments.classId, [...classIds]), eq(classEnrolments.studentId, studentId), inArray(classEnrolments.status, ['held', 'enrolled'])));
      return new Map(rows.map((r) => [r.classId, { id: r.id, status: r.status as 'held' | 'enrolled', heldUntil: r.heldUntil }]));
    },

    async enrolmentsOf(q: Db | Tx, classId: string, status?: EnrolmentRow['status']): Promise<EnrolmentRow[]> {
      return q
        .select()
        .from(classEnrolments)
        .where(and(eq(classEnrolments.classId, classId), ...(status ? [eq(classEnrolments.status, status)] : [])))
        .orderBy(asc(classEnrolments.enrolledAt), asc(classEnrolments.id));
    },

    /**
     * Takes a seat: the enrolment row (the partial unique index lets a learner hold one live seat per class, so a second
     * concurrent request inserts nothing) and the seat counter's conditional UPDATE, in one transaction. The UPDATE
     * row-locks the class, so concurrent enrolments queue on it and each sees the count the previous one committed;
     * the CHECK on enrolled_count would refuse an overflow even if the condition were wrong.
     * Returns the new row, 'already' (the learner holds a seat) or 'full' / 'closed'.
     */
    /**
     * Takes a seat; with a course, only when `admitted` says the learner is in it (checked first, in the same
     * transaction), and the seat is tagged with it.
     */
    async takeSeat(
      classId: string,
      studentId: string,
      at: Date,
      heldUntil: Date | null,
      inTx?: (tx: Tx, e: EnrolmentRow) => Promise<void>,
      course?: { id: string; admitted: (tx: Tx) => Promise<boolean> },
    ): Promise<EnrolmentRow | 'already' | 'full' | 'closed' | 'not_in_course'> {
      try {
        return await db.transaction(async (tx) => {
          if (course && !(await course.admitted(tx))) throw new NotInCourse();
          const status = heldUntil ? ('held' as const) : ('enrolled' as const);
          const [row] = await tx.insert(classEnrolments).values({ classId, studentId, status, enrolledAt: at, heldUntil, confirmedAt: heldUntil ? null : at, courseId: course?.id ?? null }).onConflictDoNothing().returning();
          if (!row) return 'already' as const;
          const [seat] = await tx
            .update(classes)
            .set({ enrolledCount: sql`${classes.enrolledCount} + 1` })
            .where(and(eq(classes.id, classId), eq(classes.status, 'scheduled'), gt(classes.startsAt, at), lt(classes.enrolledCount, classes.capacity)))
            .returning({ enrolled: classes.enrolledCount, capacity: classes.capacity });
          if (!seat) throw new NoSeat();
          await inTx?.(tx, row);
          return row;
        });
      } catch (err) {
        if (err instanceof NotInCourse) return 'not_in_course';
        if (!(err instanceof NoSeat)) throw err;
        const c = await findById(classId);
        return c && c.status === 'scheduled' && c.startsAt > at ? 'full' : 'closed';
      }
    },

    /** Gives a seat back (the learner left, was refunded, or its hold lapsed): only a live seat, once. */
    async releaseSeat(tx: Tx, enrolmentId: string, status: 'left' | 'refunded' | 'expired', at: Date): Promise<EnrolmentRow | undefined> {
      const [row] = await tx
        .update(classEnrolments)
        .set({ status, leftAt: at })
        .where(and(eq(classEnrolments.id, enrolmentId), inArray(classEnrolments.status, status === 'expired' ? ['held'] : ['held', 'enrolled'])))
        .returning();
      if (!row) return undefined;
      await tx
        .update(classes)
        .set({ enrolledCount: sql`${classes.enrolledCount} - 1` })
        .where(eq(classes.id, row.classId));
      return row;
    },

    /** A held seat paid for: enrolled (the seat was kept all along). Undefined when it was not held. */
    async confirmHeld(tx: Tx, enrolmentId: string, at: Date): Promise<EnrolmentRow | undefined> {
      return (await tx.update(classEnrolments).set({ status: 'enrolled', confirmedAt: at, heldUntil: null }).where(and(eq(classEnrolments.id, enrolmentId), eq(classEnrolments.status, 'held'))).returning())[0];
    },

    /**
     * A seat whose hold lapsed, paid for late: it is taken again if the class still has one (the same conditional UPDATE
     * as an enrolment). Undefined when the class is full, over or cancelled, or the learner holds another seat in it.
     */
    async retakeExpired(enrolmentId: string, at: Date): Promise<EnrolmentRow | undefined> {
      try {
        return await db.transaction(async (tx) => {
          const [row] = await tx.update(classEnrolments).set({ status: 'enrolled', confirmedAt: at, heldUntil: null, leftAt: null }).where(and(eq(classEnrolments.id, enrolmentId), eq(classEnrolments.status, 'expired'))).returning();
          if (!row) return undefined;
          const [seat] = await tx
            .update(classes)
            .set({ enrolledCount: sql`${classes.enrolledCount} + 1` })
            .where(and(eq(classes.id, row.classId), eq(classes.status, 'scheduled'), gt(classes.startsAt, at), lt(classes.enrolledCount, classes.capacity)))
            .returning({ id: classes.id });
          if (!seat) throw new NoSeat();
          return row;
        });
      } catch (err) {
        // No seat, or the learner's other live seat in this class (the partial unique index): nothing changed.
        if (err instanceof NoSeat || isUniqueViolation(err)) return undefined;
        throw err;
      }
    },

    /** Held seats whose time to pay has passed. */
    async lapsedHolds(now: Date, limit: number): Promise<EnrolmentRow[]> {
      return db.select().from(classEnrolments).where(and(eq(classEnrolments.status, 'held'), lte(classEnrolments.heldUntil, now))).orderBy(asc(classEnrolments.heldUntil)).limit(limit);
    },

    /** Moves a scheduled class to its final state; undefined when it was no longer scheduled (settled or cancelled meanwhile). */
    async finish(tx: Tx, classId: string, status: 'cancelled' | 'completed' | 'tutor_no_show', at: Date): Promise<ClassRow | undefined> {
      const set = status === 'cancelled' ? { status, cancelledAt: at } : { status, settledAt: at };
      return (await tx.update(classes).set(set).where(and(eq(classes.id, classId), eq(classes.status, 'scheduled'))).returning())[0];
    },

    /** The tutor's scheduled classes that start after `after`, soonest first. */
    async scheduledOfTutorAfter(tutorId: string, after: Date): Promise<ClassRow[]> {
      return db.select().from(classes).where(and(eq(classes.tutorId, tutorId), eq(classes.status, 'scheduled'), gt(classes.startsAt, after))).orderBy(asc(classes.startsAt));
    },

    /** Scheduled classes that have ended by `now`, oldest first (the sweep pages through them). */
    async endedScheduled(now: Date, limit: number): Promise<ClassRow[]> {
      return db.select().from(classes).where(and(eq(classes.status, 'scheduled'), lte(classes.endsAt, now))).orderBy(asc(classes.endsAt), asc(classes.id)).limit(limit);
    },

    async recordAttendance(classId: string, userId: string, kind: 'join' | 'leave', at: Date, tutorJoined: boolean): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.insert(classAttendance).values({ classId, userId, kind, at });
        if (tutorJoined) await tx.update(classes).set({ tutorJoinedAt: at }).where(and(eq(classes.id, classId), sql`${classes.tutorJoinedAt} is null or ${classes.tutorJoinedAt} > ${at}`));
      });
    },

    async attendanceOf(classId: string): Promise<{ userId: string; kind: 'join' | 'leave'; at: Date }[]> {
      return db.select({ userId: classAttendance.userId, kind: classAttendance.kind, at: classAttendance.at }).from(classAttendance).where(eq(classAttendance.classId, classId)).orderBy(asc(classAttendance.at));
    },

    /** The calendar feed's classes of a user (taught or enrolled), not cancelled, in a window. */
    async feedClasses(userId: string, from: Date, to: Date): Promise<ClassRow[]> {
      const taught = await db.select().from(classes).where(and(eq(classes.tutorId, userId), gte(classes.startsAt, from), lt(classes.startsAt, to)));
      const learning = await ofStudent(userId, from, to);
      return [...taught, ...learning].filter((c) => c.status !== 'cancelled').sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
    },
  };
}
export type ClassesRepo = ReturnType<typeof createClassesRepo>;
