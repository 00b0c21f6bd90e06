import { and, asc, eq, gt, lt, lte, ne, or } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { schema } from '../../platform/db';

const { availabilityPolicies, bookings, tutoringSessions, users } = schema;

export type PolicyRow = typeof availabilityPolicies.$inferSelect;
export type BookingRow = typeof bookings.$inferSelect;

/** PostgreSQL's exclusion_violation: an overlapping non-cancelled booking of the same tutor exists. */
export function isExclusionViolation(err: unknown): boolean {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23P01') return true;
  }
  return false;
}

export function createSchedulingRepo(db: Db) {
  return {
    db,

    async userRole(id: string): Promise<string | undefined> {
      const [row] = await db.select({ role: users.role }).from(users).where(eq(users.id, id)).limit(1);
      return row?.role;
    },

    async findPolicy(tutorId: string): Promise<PolicyRow | undefined> {
      const [row] = await db.select().from(availabilityPolicies).where(eq(availabilityPolicies.tutorId, tutorId)).limit(1);
      return row;
    },

    async upsertPolicy(values: typeof availabilityPolicies.$inferInsert): Promise<PolicyRow> {
      const { tutorId: _tutorId, ...rest } = values;
      const [row] = await db
        .insert(availabilityPolicies)
        .values(values)
        .onConflictDoUpdate({ target: availabilityPolicies.tutorId, set: rest })
        .returning();
      return row!;
    },

    /** The tutor's non-cancelled bookings overlapping [from, to). */
    async activeBookings(tutorId: string, from: Date, to: Date, tx: Db | Tx = db): Promise<BookingRow[]> {
      return tx
        .select()
        .from(bookings)
        .where(and(eq(bookings.tutorId, tutorId), ne(bookings.status, 'cancelled'), lt(bookings.startsAt, to), gt(bookings.endsAt, from)))
        .orderBy(asc(bookings.startsAt));
    },

    /** Start times of the tutor's instant-help sessions in progress. */
    async activeInstantSessions(tutorId: string, tx: Db | Tx = db): Promise<Date[]> {
      const rows = await tx
        .select({ startedAt: tutoringSessions.startedAt })
        .from(tutoringSessions)
        .where(and(eq(tutoringSessions.tutorId, tutorId), eq(tutoringSessions.status, 'active'), eq(tutoringSessions.kind, 'instant')));
      return rows.map((r) => r.startedAt);
    },

    /** Expired holds stop blocking: cancelled in the booking's own transaction, before its insert. */
    async cancelExpiredHolds(tx: Tx, tutorId: string, now: Date): Promise<BookingRow[]> {
      return tx
        .update(bookings)
        .set({ status: 'cancelled', cancelledAt: now, outcome: 'hold_expired' })
        .where(and(eq(bookings.tutorId, tutorId), eq(bookings.status, 'held'), lte(bookings.heldUntil, now)))
        .returning();
    },

    async insertBooking(tx: Tx, values: typeof bookings.$inferInsert): Promise<BookingRow> {
      const [row] = await tx.insert(bookings).values(values).returning();
      return row!;
    },

    async findByIdempotencyKey(studentId: string, key: string): Promise<BookingRow | undefined> {
      const [row] = await db
        .select()
        .from(bookings)
        .where(and(eq(bookings.studentId, studentId), eq(bookings.idempotencyKey, key)))
        .limit(1);
      return row;
    },

    /** The booking, only when `userId` is its student or tutor. */
    async findForParty(id: string, userId: string): Promise<BookingRow | undefined> {
      const [row] = await db
        .select()
        .from(bookings)
        .where(and(eq(bookings.id, id), or(eq(bookings.studentId, userId), eq(bookings.tutorId, userId))))
        .limit(1);
      return row;
    },

    /** Cancels an active booking; undefined when it was already cancelled (a concurrent cancel won). */
    async cancelBooking(id: string, by: string, now: Date, outcome: 'cancelled' | 'late_cancellation'): Promise<BookingRow | undefined> {
      const [row] = await db
        .update(bookings)
        .set({ status: 'cancelled', cancelledAt: now, cancelledBy: by, outcome })
        .where(and(eq(bookings.id, id), ne(bookings.status, 'cancelled')))
        .returning();
      return row;
    },

    async listMine(userId: string): Promise<BookingRow[]> {
      return db
        .select()
        .from(bookings)
        .where(or(eq(bookings.studentId, userId), eq(bookings.tutorId, userId)))
        .orderBy(asc(bookings.startsAt))
        .limit(500);
    },
  };
}

export type SchedulingRepo = ReturnType<typeof createSchedulingRepo>;

