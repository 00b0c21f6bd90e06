import { z } from 'zod';

/** Billing, the provider side (issue #7): checkouts and refunds. Amounts are integer minor units. */

export const paymentProviderSchema = z.enum(['stripe', 'razorpay', 'fake']);
const idempotencyKey = z.string().min(8, 'must be at least 8 characters').max(200);
/**
 * Where the payment page sends the student back (Stripe Checkout's success_url / cancel_url): a page of this site,
 * as a path ("/student/ask?draft=1") or a full URL on our own origin; anything else is refused (no open redirect).
 * The server adds `checkout=<id>` (and `cancelled=1` to the cancel URL). Omitted: the billing or lesson return page.
 */
const returnUrls = {
  successUrl: z.string().min(1).max(1000).optional(),
  cancelUrl: z.string().min(1).max(1000).optional(),
};

/** A plan (subscription or credit pack) in a currency, or a held booking's payment. */
export const checkoutBodySchema = z.union([
  z.strictObject({
    planId: z.string().min(1).max(64),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be a 3-letter currency code like INR'),
    provider: paymentProviderSchema.optional(),
    idempotencyKey,
    ...returnUrls,
  }),
  z.strictObject({ bookingId: z.uuid('must be a booking id'), provider: paymentProviderSchema.optional(), idempotencyKey, ...returnUrls }),
  /** A group class's held seat (issue #15). */
  z.strictObject({ classEnrolmentId: z.uuid('must be a class enrolment id'), provider: paymentProviderSchema.optional(), idempotencyKey, ...returnUrls }),
]);
export type CheckoutBody = z.infer<typeof checkoutBodySchema>;

export const checkoutSchema = z.object({
  id: z.string(),
  purpose: z.enum(['subscription', 'credit_pack', 'booking', 'class', 'consent']),
  planId: z.string().nullable(),
  bookingId: z.string().nullable(),
  classEnrolmentId: z.string().nullable(),
  provider: paymentProviderSchema,
  amountMinor: z.number().int(),
  currency: z.string(),
  status: z.enum(['open', 'paid', 'failed', 'expired']),
  /** Where to pay (the provider's page, or the fake provider's page in development). */
  url: z.string().nullable(),
  createdAt: z.string(),
});
export type CheckoutView = z.infer<typeof checkoutSchema>;

export const refundBodySchema = z.strictObject({
  /** Omitted: the rest of the payment. */
  amountMinor: z.number().int().positive('must be more than zero').optional(),
  reason: z.string().trim().min(3, 'please say why').max(500),
  idempotencyKey,
});
export type RefundBody = z.infer<typeof refundBodySchema>;

export const refundSchema = z.object({
  id: z.string(),
  paymentId: z.string(),
  provider: paymentProviderSchema,
  amountMinor: z.number().int(),
  currency: z.string(),
  status: z.enum(['requested', 'succeeded', 'failed']),
  reason: z.string().nullable(),
  createdAt: z.string(),
  settledAt: z.string().nullable(),
});
export type RefundView = z.infer<typeof refundSchema>;

/** Admins' list of recent payments (newest first), to refund from. `cursor` is the previous page's nextCursor. */
export const adminPaymentsQuerySchema = z.strictObject({
  studentEmail: z.string().trim().max(200).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});
export type AdminPaymentsQuery = z.infer<typeof adminPaymentsQuerySchema>;

export const adminPaymentSchema = z.object({
  id: z.string(),
  provider: paymentProviderSchema,
  studentId: z.string(),
  studentEmail: z.string(),
  studentName: z.string(),
  /** What was bought: 'subscription', 'credit_pack', 'booking', 'class', or 'consent' (a guardian's refunded card check; null when the checkout is unknown). */
  purpose: z.enum(['subscription', 'credit_pack', 'booking', 'class', 'consent']).nullable(),
  planId: z.string().nullable(),
  planName: z.string().nullable(),
  amountMinor: z.number().int(),
  currency: z.string(),
  refundedMinor: z.number().int(),
  /** Refunds asked for and not settled yet. */
  pendingRefundMinor: z.number().int(),
  /** What can still be refunded (amount less refunded and pending). */
  refundableMinor: z.number().int(),
  status: z.enum(['succeeded', 'partially_refunded', 'refunded']),
  paidAt: z.string(),
});
export type AdminPayment = z.infer<typeof adminPaymentSchema>;
export const adminPaymentsPageSchema = z.object({ payments: z.array(adminPaymentSchema), nextCursor: z.string().nullable() });
export type AdminPaymentsPage = z.infer<typeof adminPaymentsPageSchema>;
