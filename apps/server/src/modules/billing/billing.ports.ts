import type { Tx } from '../../platform/db';

/**
 * How the billing module's two halves meet: the provider side (checkouts, webhooks, subscriptions) tells the
 * money side (ledger, entitlements, earnings, payouts) what happened, inside the transaction that records it.
 * Every call is idempotent on its natural key, so a webhook processed twice posts once.
 */
export type Provider = 'stripe' | 'razorpay' | 'fake';
/** 'consent': a guardian's small card check, refunded at once (decision 086). */
export type PaymentPurpose = 'subscription' | 'credit_pack' | 'booking' | 'class' | 'consent';

export interface PaymentReceived {
  /** payments.id: the ledger transaction's key is `payment:<paymentId>`. */
  paymentId: string;
  studentId: string;
  provider: Provider;
  amountMinor: number;
  currency: string;
  purpose: PaymentPurpose;
  planId?: string | undefined;
  bookingId?: string | undefined;
  /** A group class's seat (purpose 'class'). */
  classEnrolmentId?: string | undefined;
  subscriptionId?: string | undefined;
  /** Question credits this payment grants (a credit pack), if any. */
  credits?: number | undefined;
  at: Date;
}

export interface RefundSettled {
  /** refunds.id: the ledger transaction's key is `refund:<refundId>`. */
  refundId: string;
  paymentId: string;
  amountMinor: number;
  currency: string;
  at: Date;
}

export interface LedgerPort {
  /** Money in: provider clearing ← student; revenue (a booking: lesson prepayments, earned when the lesson is); credits granted. */
  paymentReceived(tx: Tx, p: PaymentReceived): Promise<{ transactionId: string; created: boolean }>;
  /** Money back: reverses revenue and any tutor earning the payment funded, in proportion to the amount refunded. */
  refundSettled(tx: Tx, r: RefundSettled): Promise<{ transactionId: string; created: boolean }>;
}

/** What the provider side asks the scheduling module when a booking's payment settles or fails. */
export interface BookingPaymentPort {
  confirmPaidBooking(tx: Tx, bookingId: string, at: Date): Promise<'confirmed' | 'already_confirmed' | 'hold_expired'>;
  releaseUnpaidBooking(tx: Tx, bookingId: string, at: Date): Promise<void>;
}
