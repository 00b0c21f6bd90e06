import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { ltiCourseAllowances } from './lti.allowance.schema';
import { type Allowance, allowanceDraw, allowanceMonth } from './lti.allowance.rules';
import { ltiCourseBookings, ltiCourseMembers } from './lti.schema';

export type AllowanceRow = typeof ltiCourseAllowances.$inferSelect;
/** What tagging a booking did: nothing (not a current member), or tagged, with what the allowance paid. */
export type TagResult = { tagged: false } | { tagged: true; drew: { unit: Allowance['unit']; amount: number; month: string } | null };

/** Course allowances and the draws on them (lti_course_allowances, lti_course_bookings.allowance_*). */
export function createAllowanceRepo(db: Db) {
  /** Not returned draws of one learner in one course, month and unit. */
  const drawn = (courseId: string, month: string, unit: Allowance['unit'], userId?: string) =>
    and(
      eq(ltiCourseBookings.courseId, courseId),
      userId ? eq(ltiCourseBookings.userId, userId) : undefined,
      eq(ltiCourseBookings.allowanceMonth, month),
      eq(ltiCourseBookings.allowanceUnit, unit),
      isNull(ltiCourseBookings.allowanceReturnedAt),
      gt(ltiCourseBookings.allowanceUsed, 0),
    );

  return {
    db,
    async allowanceOf(q: Db | Tx, courseId: string): Promise<AllowanceRow | undefined> {
      const [row] = await q.select().from(ltiCourseAllowances).where(eq(ltiCourseAllowances.courseId, courseId)).limit(1);
      return row;
    },

    async setAllowance(values: typeof ltiCourseAllowances.$inferInsert): Promise<AllowanceRow> {
      const [row] = await db
        .insert(ltiCourseAllowances)
        .values(values)
        .onConflictDoUpdate({ target: ltiCourseAllowances.courseId, set: { unit: values.unit, perLearnerMonthly: values.perLearnerMonthly, setBy: values.setBy, updatedAt: values.updatedAt } })
        .returning();
      return row!;
    },

    /**
     * Inside the booking's transaction: tags it with the course when the user is a current member, and, when the
     * lesson needs paying and the member is a learner, draws on the course's allowance if it fits. The member's row is
     * locked first (FOR UPDATE), so two bookings of one learner at once draw one after the other and never overdraw,
     * and a roster sync marking them gone either comes before (no tag) or waits for this booking.
     */
    async tagAndDraw(tx: Tx, t: { bookingId: string; courseId: string; userId: string; at: Date; startsAt: Date; minutes: number; needsPayment: boolean }): Promise<TagResult> {
      const m = ltiCourseMembers;
      const [member] = await tx
        .select({ role: m.courseRole })
        .from(m)
        .where(and(eq(m.courseId, t.courseId), eq(m.userId, t.userId), isNull(m.leftAt)))
        .limit(1)
        .for('update');
      if (!member) return { tagged: false };
      let drew: { unit: Allowance['unit']; amount: number; month: string } | null = null;
      const allowance = t.needsPayment && member.role === 'learner' ? await this.allowanceOf(tx, t.courseId) : undefined;
      if (allowance) {
        const month = allowanceMonth(t.startsAt);
        const [used] = await tx.select({ n: sql<number>`coalesce(sum(${ltiCourseBookings.allowanceUsed}), 0)` }).from(ltiCourseBookings).where(drawn(t.courseId, month, allowance.unit, t.userId));
        const amount = allowanceDraw(allowance, Number(used?.n ?? 0), t.minutes);
        if (amount !== null) drew = { unit: allowance.unit, amount, month };
      }
      const inserted = await tx
        .insert(ltiCourseBookings)
        .values({ bookingId: t.bookingId, courseId: t.courseId, userId: t.userId, taggedAt: t.at, allowanceUnit: drew?.unit ?? null, allowanceUsed: drew?.amount ?? 0, allowanceMonth: drew?.month ?? null })
        .onConflictDoNothing()
        .returning({ b: ltiCourseBookings.bookingId });
      return { tagged: true, drew: inserted.length ? drew : null };
    },

    /** A cancelled booking's draw comes back (once): what came back, or null when it drew nothing. */
    async returnDraw(tx: Tx, bookingId: string, at: Date) {
      const [row] = await tx
        .update(ltiCourseBookings)
        .set({ allowanceReturnedAt: at })
        .where(and(eq(ltiCourseBookings.bookingId, bookingId), gt(ltiCourseBookings.allowanceUsed, 0), isNull(ltiCourseBookings.allowanceReturnedAt)))
        .returning();
      return row ?? null;
    },

    /** A moved lesson keeps its tag and its draw: the tag now names the new booking. */
    async moveTag(tx: Tx, from: string, to: string): Promise<boolean> {
      const rows = await tx.update(ltiCourseBookings).set({ bookingId: to }).where(eq(ltiCourseBookings.bookingId, from)).returning({ b: ltiCourseBookings.bookingId });
      return rows.length > 0;
    },

    /** Per learner, what they have drawn in `month` in the allowance's current unit. */
    async usedIn(courseId: string, month: string, unit: Allowance['unit']): Promise<Map<string, number>> {
      const rows = await db
        .select({ userId: ltiCourseBookings.userId, n: sql<number>`sum(${ltiCourseBookings.allowanceUsed})` })
        .from(ltiCourseBookings)
        .where(drawn(courseId, month, unit))
        .groupBy(ltiCourseBookings.userId);
      return new Map(rows.map((r) => [r.userId, Number(r.n)]));
    },
  };
}
export type AllowanceRepo = ReturnType<typeof createAllowanceRepo>;
