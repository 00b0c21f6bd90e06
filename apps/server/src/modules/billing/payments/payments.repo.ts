import { and, desc, eq, gt, gte, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { type Db, type Tx } from '../../../platform/db';
import type { Provider } from '../billing.ports';
import { billingPlans, checkouts, payments, providerEvents, refunds } from '../billing.schema';
import { createSubscriptionsRepo } from '../subscriptions/subscriptions.repo';

export type { SubscriptionRow } from '../subscriptions/subscriptions.repo';
export type CheckoutRow = typeof checkouts.$inferSelect;
export type PaymentRow = typeof payments.$inferSelect;
export type RefundRow = typeof refunds.$inferSelect;
export type ProviderEventRow = typeof providerEvents.$inferSelect;
type Q = Db | Tx;

/** The provider side's tables: the webhook inbox, checkouts, payments and refunds (and, through it, subscriptions). */
export function createProviderRepo(db: Db) {
  return {
    // Subscriptions, their history, plans and prices (subscriptions/subscriptions.repo.ts): the provider side writes them.
    ...createSubscriptionsRepo(db),
    db,

    /**
     * Stores a delivery once by (provider, event id) and by (provider, body key); a repeat of either only counts on the
     * stored row. `inserted` is true for the first; `eventId` is the stored row's (a replay's header id may differ).
     */
    async storeEvent(tx: Q, row: { provider: Provider; eventId: string; bodyKey: string; type: string; createdAt: Date; payload: Record<string, unknown>; rawBody: Uint8Array; receivedAt: Date }) {
      // No conflict target: a clash on either unique key is a repeat.
      const [r] = await tx.insert(providerEvents).values(row).onConflictDoNothing().returning({ eventId: providerEvents.eventId });
      if (r) return { inserted: true, deliveries: 1, processed: false, eventId: r.eventId };
      // The row by the header's id if there is one, else the one with the same body.
      const stored = tx
        .select({ eventId: providerEvents.eventId })
        .from(providerEvents)
        .where(and(eq(providerEvents.provider, row.provider), or(eq(providerEvents.eventId, row.eventId), eq(providerEvents.bodyKey, row.bodyKey))))
        .orderBy(sql`${providerEvents.eventId} = ${row.eventId} desc`)
        .limit(1);
      const [u] = await tx
        .update(providerEvents)
        .set({ deliveries: sql`${providerEvents.deliveries} + 1` })
        .where(and(eq(providerEvents.provider, row.provider), inArray(providerEvents.eventId, stored)))
        .returning({ deliveries: providerEvents.deliveries, processedAt: providerEvents.processedAt, eventId: providerEvents.eventId });
      return { inserted: false, deliveries: u!.deliveries, processed: !!u!.processedAt, eventId: u!.eventId };
    },
    async lockEvent(tx: Tx, provider: Provider, eventId: string) {
      const [r] = await tx.select().from(providerEvents).where(and(eq(providerEvents.provider, provider), eq(providerEvents.eventId, eventId))).for('update');
      return r ?? null;
    },
    /**
     * Processed events of this provider created after `after` whose payload names `ref` (a subscription id): the
     * newer snapshots to apply again once an older event has moved that subscription. Oldest first, locked.
     */
    async laterEventsNaming(tx: Tx, provider: Provider, ref: string, after: Date, exceptEventId: string) {
      return tx
        .select()
        .from(providerEvents)
        .where(
          and(
            eq(providerEvents.provider, provider),
            gt(providerEvents.createdAt, after),
            sql`${providerEvents.processedAt} is not null`,
            sql`${providerEvents.eventId} <> ${exceptEventId}`,
            sql`strpos(${providerEvents.payload}::text, ${JSON.stringify(ref)}) > 0`,
          ),
        )
        .orderBy(providerEvents.createdAt, providerEvents.eventId)
        .for('update');
    },
    async markEvent(tx: Tx, provider: Provider, eventId: string, outcome: string, at: Date) {
      await tx
        .update(providerEvents)
        .set({ processedAt: at, outcome, attempts: sql`${providerEvents.attempts} + 1` })
        .where(and(eq(providerEvents.provider, provider), eq(providerEvents.eventId, eventId)));
    },
    async noteEventError(provider: Provider, eventId: string, message: string) {
      await db
        .update(providerEvents)
        .set({ attempts: sql`${providerEvents.attempts} + 1`, lastError: message.slice(0, 2000) })
        .where(and(eq(providerEvents.provider, provider), eq(providerEvents.eventId, eventId)));
    },
    async pendingEvents(olderThan: Date, limit = 100) {
      return db
        .select({ provider: providerEvents.provider, eventId: providerEvents.eventId })
        .from(providerEvents)
        .where(and(isNull(providerEvents.processedAt), lt(providerEvents.receivedAt, olderThan)))
        .orderBy(providerEvents.receivedAt)
        .limit(limit);
    },

    // checkouts
    async insertCheckout(tx: Q, row: typeof checkouts.$inferInsert) {
      const [r] = await tx.insert(checkouts).values(row).onConflictDoNothing({ target: [checkouts.studentId, checkouts.idempotencyKey] }).returning();
      return r ?? null;
    },
    async findCheckoutByKey(studentId: string, idempotencyKey: string) {
      const [r] = await db.select().from(checkouts).where(and(eq(checkouts.studentId, studentId), eq(checkouts.idempotencyKey, idempotencyKey)));
      return r ?? null;
    },
    async findCheckout(q: Q, id: string) {
      const [r] = await q.select().from(checkouts).where(eq(checkouts.id, id));
      return r ?? null;
    },
    async setCheckoutRef(id: string, ref: string) {
      await db.update(checkouts).set({ providerRef: ref }).where(eq(checkouts.id, id));
    },
    /** By the provider's ref, else by our id carried in metadata; locked. */
    async lockCheckout(tx: Tx, provider: Provider, ref: string | undefined, ourId: string | undefined) {
      const conds = [ref ? and(eq(checkouts.provider, provider), eq(checkouts.providerRef, ref)) : undefined, ourId && isUuid(ourId) ? eq(checkouts.id, ourId) : undefined].filter(Boolean);
      if (!conds.length) return null;
      const [r] = await tx.select().from(checkouts).where(or(...conds)).limit(1).for('update');
      return r ?? null;
    },
    async updateCheckout(tx: Tx, id: string, set: Partial<typeof checkouts.$inferInsert>) {
      const [r] = await tx.update(checkouts).set(set).where(eq(checkouts.id, id)).returning();
      return r!;
    },
    async recentCheckouts(provider: Provider, since: Date, limit = 500) {
      return db
        .select()
        .from(checkouts)
        .where(and(eq(checkouts.provider, provider), gte(checkouts.createdAt, since), sql`${checkouts.providerRef} is not null`))
        .orderBy(desc(checkouts.createdAt))
        .limit(limit);
    },

    // payments and refunds
    /** Inserts the payment once per provider id; `created` is true only for the insert that made it. */
    async insertPayment(tx: Tx, row: typeof payments.$inferInsert) {
      const [r] = await tx.insert(payments).values(row).onConflictDoNothing({ target: [payments.provider, payments.providerPaymentId] }).returning();
      if (r) return { payment: r, created: true };
      const [existing] = await tx.select().from(payments).where(and(eq(payments.provider, row.provider), eq(payments.providerPaymentId, row.providerPaymentId)));
      return { payment: existing!, created: false };
    },
    async setPaymentLedger(tx: Tx, id: string, ledgerTransactionId: string) {
      await tx.update(payments).set({ ledgerTransactionId }).where(eq(payments.id, id));
    },
    async lockPaymentByRefs(tx: Tx, provider: Provider, refs: string[]) {
      if (!refs.length) return null;
      const [r] = await tx.select().from(payments).where(and(eq(payments.provider, provider), inArray(payments.providerPaymentId, refs))).limit(1).for('update');
      return r ?? null;
    },
    async lockPayment(tx: Tx, id: string) {
      const [r] = await tx.select().from(payments).where(eq(payments.id, id)).for('update');
      return r ?? null;
    },
    async findPayment(id: string) {
      const [r] = await db.select().from(payments).where(eq(payments.id, id));
      return r ?? null;
    },
    async updatePayment(tx: Tx, id: string, set: Partial<typeof payments.$inferInsert>) {
      const [r] = await tx.update(payments).set(set).where(eq(payments.id, id)).returning();
      return r!;
    },
    async paymentsOfSubscription(subscriptionId: string) {
      return db.select().from(payments).where(eq(payments.subscriptionId, subscriptionId));
    },
    async insertRefund(tx: Q, row: typeof refunds.$inferInsert) {
      const [r] = await tx.insert(refunds).values(row).onConflictDoNothing().returning();
      return r ?? null;
    },
    async findRefundByKey(q: Q, idempotencyKey: string) {
      const [r] = await q.select().from(refunds).where(eq(refunds.idempotencyKey, idempotencyKey));
      return r ?? null;
    },
    async lockRefundByKey(tx: Tx, idempotencyKey: string) {
      const [r] = await tx.select().from(refunds).where(eq(refunds.idempotencyKey, idempotencyKey)).for('update');
      return r ?? null;
    },
    async updateRefund(q: Q, id: string, set: Partial<typeof refunds.$inferInsert>) {
      const [r] = await q.update(refunds).set(set).where(eq(refunds.id, id)).returning();
      return r!;
    },
    async refundsOf(paymentId: string) {
      return db.select().from(refunds).where(eq(refunds.paymentId, paymentId));
    },
    /**
     * Payments newest first (paid_at, then id), after a keyset cursor, optionally only those of some students, with
     * the checkout's plan and refunds not settled yet.
     */
    async recentPayments(o: { studentIds?: readonly string[] | undefined; after?: { paidAt: Date; id: string } | undefined; limit: number }) {
      const conds = [
        o.studentIds ? sql`${payments.studentId} = any(${sql.param([...o.studentIds])}::uuid[])` : undefined,
        o.after ? or(lt(payments.paidAt, o.after.paidAt), and(eq(payments.paidAt, o.after.paidAt), lt(payments.id, o.after.id))) : undefined,
      ].filter(Boolean);
      const rows = await db
        .select({ payment: payments, purpose: checkouts.purpose, planId: checkouts.planId, planName: billingPlans.name })
        .from(payments)
        .leftJoin(checkouts, eq(checkouts.id, payments.checkoutId))
        .leftJoin(billingPlans, eq(billingPlans.id, checkouts.planId))
        .where(conds.length ? and(...conds) : undefined)
        .orderBy(desc(payments.paidAt), desc(payments.id))
        .limit(o.limit);
      const ids = rows.map((r) => r.payment.id);
      const pending = ids.length
        ? await db
            .select({ paymentId: refunds.paymentId, amountMinor: sql<number>`sum(${refunds.amountMinor})`.mapWith(Number) })
            .from(refunds)
            .where(and(inArray(refunds.paymentId, ids), eq(refunds.status, 'requested')))
            .groupBy(refunds.paymentId)
        : [];
      const pendingOf = new Map(pending.map((p) => [p.paymentId, p.amountMinor]));
      return rows.map((r) => ({ ...r, pendingRefundMinor: pendingOf.get(r.payment.id) ?? 0 }));
    },

    /** The successful payments made through one checkout (one, normally). */
    async paymentsOfCheckout(checkoutId: string, q: Q = db) {
      return q.select().from(payments).where(and(eq(payments.checkoutId, checkoutId), inArray(payments.status, ['succeeded', 'partially_refunded', 'refunded'])));
    },
    /** Paid checkouts for a booking, first paid first (a second one paid for the same hold is refunded). */
    async paidCheckoutsOfBooking(bookingId: string) {
      return db.select().from(checkouts).where(and(eq(checkouts.bookingId, bookingId), eq(checkouts.status, 'paid'))).orderBy(checkouts.completedAt, checkouts.createdAt);
    },
    /** Paid checkouts for a class seat, first paid first (a second one paid for the same seat is refunded); in the caller's transaction. */
    async paidCheckoutsOfClassSeat(q: Q, enrolmentId: string) {
      return q.select().from(checkouts).where(and(eq(checkouts.classEnrolmentId, enrolmentId), eq(checkouts.status, 'paid'))).orderBy(checkouts.completedAt, checkouts.createdAt);
    },
    /** Paid checkouts anchored on any of these bookings (the weeks of a series), first paid first; in the caller's transaction. */
    async paidCheckoutsOfBookings(q: Q, bookingIds: string[]) {
      if (!bookingIds.length) return [];
      return q.select().from(checkouts).where(and(inArray(checkouts.bookingId, bookingIds), eq(checkouts.status, 'paid'))).orderBy(checkouts.completedAt, checkouts.createdAt);
    },
  };
}
export type ProviderRepo = ReturnType<typeof createProviderRepo>;

export const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
