import { definePort } from '../../platform/ports';
import type { BookingPayments, OnBookingOutcome } from './scheduling.service';

/** Whether a new booking must be paid before it is confirmed: scheduling asks at booking time, billing provides it. */
export const BOOKING_PAYMENT_POLICY = definePort<BookingPayments>('scheduling.bookingPayments', 'the billing module (tutorline-billing)');
/** What a booking's outcome does to its money, inside the outcome's transaction: billing provides it. */
export const BOOKING_OUTCOME_MONEY = definePort<OnBookingOutcome>('scheduling.bookingOutcomeMoney', 'the billing module (tutorline-billing)');
