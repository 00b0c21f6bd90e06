import type { Tx } from '../../platform/db';
import { definePort } from '../../platform/ports';

/**
 * What a class's money needs from billing (declared here, by the consumer; billing provides it, decision 042):
 * whether a seat must be paid for first, a seat's refund queued in the caller's transaction, and the tutor's earning
 * for a completed class posted in the settling transaction.
 */
export interface ClassMoney {
  requiresPayment(c: { priceMinor: number; currency: string }): boolean;
  refundSeat(tx: Tx, e: { enrolmentId: string; classId: string; studentId: string; amountMinor: number; currency: string; reason: string; at: Date }): Promise<void>;
  classEarned(tx: Tx, c: { classId: string; tutorId: string; enrolmentIds: string[]; priceMinor: number; currency: string; at: Date }): Promise<void>;
}

export const CLASS_MONEY = definePort<ClassMoney>('classes.money', 'the billing module (tutorline-billing)');
