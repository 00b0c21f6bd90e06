import type { Tx } from '../../platform/db';
import { definePort } from '../../platform/ports';
import type { BookingCourses } from './scheduling.courses';

/** Whether a new booking must be paid before it is confirmed: scheduling asks at booking time, billing provides it. */
export const BOOKING_PAYMENT_POLICY = definePort<BookingPayments>('scheduling.bookingPayments', 'the billing module (tutorline-billing)');
/** What a booking's outcome does to its money, inside the outcome's transaction: billing provides it. */
export const BOOKING_OUTCOME_MONEY = definePort<OnBookingOutcome>('scheduling.bookingOutcomeMoney', 'the billing module (tutorline-billing)');
/** Tags a booking with the LMS course it was made in, inside the booking's transaction: lti provides it (#16). */
export const BOOKING_COURSES = definePort<BookingCourses>('scheduling.bookingCourses', 'the lti module (tutorline-lti)');

/** Whether the student blocked the tutor (#20): safety provides it. */
export interface BookingSafety {
  blocked(studentId: string, tutorId: string): Promise<boolean>;
}
export const BOOKING_SAFETY = definePort<BookingSafety>('scheduling.bookingSafety', 'the safety module (tutorline-safety)');

/** Billing plugs in here: whether a new booking must be paid before it is confirmed (held meanwhile). */
export interface BookingPayments {
  requiresPayment(booking: { tutorId: string; studentId: string; startsAt: Date; endsAt: Date; priceMinor: number; currency: string }): boolean | Promise<boolean>;
}

/** A booking's outcome as billing hears it: who caused it, and whether the booking was confirmed (so paid, when priced). */
export interface BookingOutcome {
  bookingId: string;
  outcome: string;
  by: 'student' | 'tutor' | null;
  wasConfirmed: boolean;
  at: Date;
}
/** What the outcome does to the lesson's money: refunded (queued), kept by the tutor, or nothing paid. */
export type OutcomeMoney = { action: 'refund'; amountMinor: number; currency: string } | { action: 'keep' } | null;
/**
 * Billing plugs in here: called inside the transaction that commits a booking's outcome (cancellation, a settled
 * lesson), so any refund job is queued with the outcome itself (billing.bookings.ts).
 */
export type OnBookingOutcome = (tx: Tx, e: BookingOutcome) => Promise<OutcomeMoney>;
