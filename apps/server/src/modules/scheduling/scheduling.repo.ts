import { and, asc, eq, gt, gte, inArray, lt, lte, ne, or } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { accountsByIds, tutorProfilesOf } from '../identity';
import { availabilityPolicies, bookings, calendarFeeds } from './scheduling.schema';

export type PolicyRow = typeof availabilityPolicies.$inferSelect;
export type BookingRow = typeof bookings.$inferSelect;
export interface LessonParty {
  id: string;
  displayName: string;
  timeZone: string;
}
export type BookingWithParties = BookingRow & { tutor: LessonParty; student: LessonParty };

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

    /** The account's role (identity's index), or undefined when there is no such account. */
    async userRole(id: string): Promise<string | undefined> {
      return (await accountsByIds(db, [id]))[0]?.role;
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

    /** Expired holds stop blocking: cancelled in the booking's own transaction, before its insert. */
    async cancelExpiredHolds(tx: Tx, tutorId: string, now: Date): Promise<BookingRow[]> {
      return tx
        .update(bookings)
        .set({ status: 'cancelled', cancelledAt: now, outcome: 'hold_expired' })
        .where(and(eq(bookings.tutorId, tutorId), eq(bookings.status, 'held'), lte(bookings.heldUntil, now)))
        .returning();
    },

    /** The student's holds with a tutor still live at `now` (not yet paid, not yet lapsed), soonest first. */
    async liveHolds(studentId: string, tutorId: string, now: Date): Promise<BookingRow[]> {
      return db
        .select()
        .from(bookings)
        .where(and(eq(bookings.studentId, studentId), eq(bookings.tutorId, tutorId), eq(bookings.status, 'held'), gt(bookings.heldUntil, now)))
        .orderBy(asc(bookings.startsAt))
        .limit(100);
    },

    async insertBooking(tx: Tx, values: typeof bookings.$inferInsert): Promise<BookingRow> {
      const [row] = await tx.insert(bookings).values(values).returning();
      return row!;
    },

    async findByIdempotencyKey(studentId: string, key: string, tx: Db | Tx = db): Promise<BookingRow | undefined> {
      const [row] = await tx
        .select()
        .from(bookings)
        .where(and(eq(bookings.studentId, studentId), eq(bookings.idempotencyKey, key)))
        .limit(1);
      return row;
    },

    /** The booking, only when `userId` is its student or tutor. */
    async findForParty(id: string, userId: string, tx: Db | Tx = db): Promise<BookingRow | undefined> {
      const [row] = await tx
        .select()
        .from(bookings)
        .where(and(eq(bookings.id, id), or(eq(bookings.studentId, userId), eq(bookings.tutorId, userId))))
        .limit(1);
      return row;
    },

    /** Cancels an active booking; undefined when it was already cancelled (a concurrent cancel won). */
    async cancelBooking(tx: Db | Tx, id: string, by: string | null, now: Date, outcome: 'cancelled' | 'late_cancellation' | 'rescheduled' | 'hold_expired'): Promise<BookingRow | undefined> {
      const [row] = await tx
        .update(bookings)
        .set({ status: 'cancelled', cancelledAt: now, cancelledBy: by, outcome })
        .where(and(eq(bookings.id, id), inArray(bookings.status, ['held', 'confirmed'])))
        .returning();
      return row;
    },

    async findById(id: string, tx: Db | Tx = db): Promise<BookingRow | undefined> {
      const [row] = await tx.select().from(bookings).where(eq(bookings.id, id)).limit(1);
      return row;
    },

    /** A live hold becomes confirmed; undefined when it was not a live hold at `now`. */
    async confirmHold(tx: Tx, id: string, now: Date): Promise<BookingRow | undefined> {
      const [row] = await tx
        .update(bookings)
        .set({ status: 'confirmed', confirmedAt: now })
        .where(and(eq(bookings.id, id), eq(bookings.status, 'held'), gt(bookings.heldUntil, now)))
        .returning();
      return row;
    },

    /**
     * A hold paid after it lapsed becomes confirmed after all (scheduling.service confirmHeld decides when): from
     * 'held' or from 'cancelled' as 'hold_expired'. The exclusion constraint refuses it if the slot was taken meanwhile.
     */
    async reinstateLapsedHold(tx: Tx, id: string, now: Date): Promise<BookingRow | undefined> {
      const [row] = await tx
        .update(bookings)
        .set({ status: 'confirmed', confirmedAt: now, cancelledAt: null, cancelledBy: null, outcome: null })
        .where(and(eq(bookings.id, id), or(eq(bookings.status, 'held'), and(eq(bookings.status, 'cancelled'), eq(bookings.outcome, 'hold_expired')))))
        .returning();
      return row;
    },

    /** Every hold that has lapsed, of any tutor, cancelled (the periodic sweep). */
    async cancelAllExpiredHolds(tx: Tx, now: Date): Promise<BookingRow[]> {
      return tx
        .update(bookings)
        .set({ status: 'cancelled', cancelledAt: now, outcome: 'hold_expired' })
        .where(and(eq(bookings.status, 'held'), lte(bookings.heldUntil, now)))
        .returning();
    },

    /** Whether ops suspended the tutor (identity's index): a suspended tutor cannot be booked (issue #18). */
    async tutorSuspended(tutorId: string): Promise<boolean> {
      const [row] = await tutorProfilesOf(db, [tutorId]);
      return row?.approvalStatus === 'suspended';
    },

    /** The tutor's lessons still held or confirmed that start after `after`, soonest first. */
    async upcomingOfTutor(tutorId: string, after: Date): Promise<BookingRow[]> {
      return db
        .select()
        .from(bookings)
        .where(and(eq(bookings.tutorId, tutorId), inArray(bookings.status, ['held', 'confirmed']), gt(bookings.startsAt, after)))
        .orderBy(asc(bookings.startsAt));
    },

    /** The tutor's rate and currency, for the price fixed at booking time. */
    async tutorRate(tutorId: string): Promise<{ hourlyRateMinor: number; currency: string } | undefined> {
      const [row] = await tutorProfilesOf(db, [tutorId]);
      return row && { hourlyRateMinor: row.hourlyRateMinor, currency: row.currency };
    },

    /** Names and zones of a booking's two parties: the student's own zone, the tutor's availability zone (else their own). */
    async parties(tx: Db | Tx, b: { studentId: string; tutorId: string }) {
      const rows = await accountsByIds(tx, [b.studentId, b.tutorId]);
      const [policy] = await tx.select({ timeZone: availabilityPolicies.timeZone }).from(availabilityPolicies).where(eq(availabilityPolicies.tutorId, b.tutorId)).limit(1);
      const student = rows.find((r) => r.id === b.studentId);
      const tutor = rows.find((r) => r.id === b.tutorId);
      return {
        student: { id: b.studentId, name: student?.displayName ?? 'your student', timeZone: student?.timeZone ?? 'UTC' },
        tutor: { id: b.tutorId, name: tutor?.displayName ?? 'your tutor', timeZone: policy?.timeZone ?? tutor?.timeZone ?? 'UTC' },
      };
    },

    async bySeries(seriesId: string, tx: Db | Tx = db): Promise<BookingRow[]> {
      return tx.select().from(bookings).where(eq(bookings.seriesId, seriesId)).orderBy(asc(bookings.startsAt));
    },

    /** The booking's place in its reschedule chain: the first booking's id (the calendar UID) and how many moves led here. */
    async rescheduleRoot(b: BookingRow): Promise<{ rootId: string; depth: number }> {
      let cur = b;
      let depth = 0;
      // A chain is a handful of moves at most; the cap only guards against a cycle made by hand.
      while (cur.rescheduledFrom && depth < 100) {
        const [prev] = await db.select().from(bookings).where(eq(bookings.id, cur.rescheduledFrom)).limit(1);
        if (!prev) break;
        cur = prev;
        depth++;
      }
      return { rootId: cur.id, depth };
    },

    /** Creates or replaces the user's calendar feed token (its hash). */
    async setFeedToken(userId: string, tokenHash: string, now: Date): Promise<void> {
      await db.insert(calendarFeeds).values({ userId, tokenHash, createdAt: now }).onConflictDoUpdate({ target: calendarFeeds.userId, set: { tokenHash, createdAt: now } });
    },

    async feedOwner(tokenHash: string): Promise<string | undefined> {
      const [row] = await db.select({ userId: calendarFeeds.userId }).from(calendarFeeds).where(eq(calendarFeeds.tokenHash, tokenHash)).limit(1);
      return row?.userId;
    },

    /** The user's non-cancelled bookings (either role) starting in [from, to). */
    async feedBookings(userId: string, from: Date, to: Date): Promise<BookingRow[]> {
      return db
        .select()
        .from(bookings)
        .where(and(or(eq(bookings.studentId, userId), eq(bookings.tutorId, userId)), ne(bookings.status, 'cancelled'), gte(bookings.startsAt, from), lt(bookings.startsAt, to)))
        .orderBy(asc(bookings.startsAt))
        .limit(2000);
    },

    /**
     * The user's bookings (either role) with both parties' names and zones, in four queries however many there are: the
     * tutor's zone is their availability zone, else their profile's; the student's is their own.
     */
    async listMine(userId: string): Promise<BookingWithParties[]> {
      const rows = await db
        .select()
        .from(bookings)
        .where(or(eq(bookings.studentId, userId), eq(bookings.tutorId, userId)))
        .orderBy(asc(bookings.startsAt))
        .limit(500);
      if (!rows.length) return [];
      const tutorIds = [...new Set(rows.map((b) => b.tutorId))];
      // Three batch reads, joined here: accounts and tutor profiles through identity's index, this module's policies.
      const [accounts, profiles, policies] = await Promise.all([
        accountsByIds(db, [...new Set([...tutorIds, ...rows.map((b) => b.studentId)])]),
        tutorProfilesOf(db, tutorIds),
        db.select({ tutorId: availabilityPolicies.tutorId, timeZone: availabilityPolicies.timeZone }).from(availabilityPolicies).where(inArray(availabilityPolicies.tutorId, tutorIds)),
      ]);
      const account = new Map(accounts.map((a) => [a.id, a]));
      const profileZone = new Map(profiles.map((p) => [p.userId, p.timeZone]));
      const policyZone = new Map(policies.map((p) => [p.tutorId, p.timeZone]));
      return rows.flatMap((b) => {
        const tutor = account.get(b.tutorId);
        const student = account.get(b.studentId);
        // As the inner joins on accounts did: a booking always has both (foreign keys).
        if (!tutor || !student) return [];
        return [
          {
            ...b,
            tutor: { id: b.tutorId, displayName: tutor.displayName, timeZone: policyZone.get(b.tutorId) ?? profileZone.get(b.tutorId) ?? tutor.timeZone },
            student: { id: b.studentId, displayName: student.displayName, timeZone: student.timeZone },
          },
        ];
      });
    },
  };
}

export type SchedulingRepo = ReturnType<typeof createSchedulingRepo>;

