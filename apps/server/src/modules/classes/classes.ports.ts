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

/**
 * The LMS course a seat is taken in (#16, a placed class or series item): whether the learner is an active member,
 * asked inside the seat's transaction (the member's row is locked, so a roster sync marking them gone waits). lti provides it.
 */
export interface ClassCourses {
  isActiveMember(tx: Tx, courseId: string, userId: string): Promise<boolean>;
}
export const CLASS_COURSES = definePort<ClassCourses>('classes.courses', 'the lti module (tutorline-lti)');
