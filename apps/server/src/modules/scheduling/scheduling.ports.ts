import { definePort } from '../../platform/ports';
import type { BookingCourses } from './scheduling.courses';
import type { BookingPayments, OnBookingOutcome } from './scheduling.service';

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
