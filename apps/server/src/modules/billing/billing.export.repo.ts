import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import type { UserExportSource } from '../../platform/user-export';
import { payments, refunds, subscriptions } from './billing.schema';

/** billing's share of a user's export (#20): their payments with refunds, and their subscriptions. */
export function createBillingExport(db: Db): UserExportSource {
  return {
    module: 'billing',
    async exportFor(userId) {
      const paid = await db.select().from(payments).where(eq(payments.studentId, userId)).orderBy(asc(payments.paidAt));
      const back = paid.length ? await db.select().from(refunds).where(inArray(refunds.paymentId, paid.map((p) => p.id))) : [];
      const subs = await db.select().from(subscriptions).where(eq(subscriptions.studentId, userId));
      const json = {
        payments: {
          payments: paid.map((p) => ({
            id: p.id,
            provider: p.provider,
            amountMinor: p.amountMinor,
            currency: p.currency,
            refundedMinor: p.refundedMinor,
            status: p.status,
            paidAt: p.paidAt,
            refunds: back.filter((r) => r.paymentId === p.id).map((r) => ({ amountMinor: r.amountMinor, status: r.status, createdAt: r.createdAt, settledAt: r.settledAt })),
          })),
          subscriptions: subs.map((s) => ({ id: s.id, status: s.status, planId: s.planId, currentPeriodStart: s.currentPeriodStart, currentPeriodEnd: s.currentPeriodEnd, createdAt: s.createdAt })),
        },
      };
      return { json, files: [] };
    },
  };
}
