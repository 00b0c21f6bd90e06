import { desc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { payments } from './billing.schema';

/** A payment as a person's timeline shows it to finance and admin (#18; support is never given these). */
export interface TimelinePayment {
  id: string;
  provider: string;
  amountMinor: number;
  refundedMinor: number;
  currency: string;
  status: string;
  paidAt: Date;
}

/** The newest payments a student made. */
export async function paymentsForTimeline(q: Db | Tx, studentId: string, limit: number): Promise<TimelinePayment[]> {
  return q
    .select({ id: payments.id, provider: payments.provider, amountMinor: payments.amountMinor, refundedMinor: payments.refundedMinor, currency: payments.currency, status: payments.status, paidAt: payments.paidAt })
    .from(payments)
    .where(eq(payments.studentId, studentId))
    .orderBy(desc(payments.paidAt))
    .limit(limit);
}
