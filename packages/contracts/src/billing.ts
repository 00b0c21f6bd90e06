import { z } from 'zod';

/**
 * Billing, the money side (issue #7): what a student may still ask, tutors' balances and statements, admins' revenue
 * report and plans. Amounts are integer minor units (paise, cents); 'QST' is the currency of question credits.
 * The provider side (checkouts, webhooks, refunds) has its schemas in billing-providers.ts.
 */
export const currencySchema = z.string().regex(/^[A-Z]{3}$/, 'must be a 3-letter currency code like INR');
export const minorSchema = z.number().int('must be whole minor units (paise, cents)');

export const billingMeSchema = z.object({
  plan: z.object({ id: z.string(), name: z.string(), questions: z.number().int() }).nullable(),
  status: z.enum(['none', 'incomplete', 'trialing', 'active', 'past_due', 'lapsed', 'canceled', 'refunded']),
  periodEndsAt: z.string().nullable(),
  /** Past due: when the grace period (still asking) ends. */
  graceEndsAt: z.string().nullable(),
  questionsLeft: z.number().int(),
  credits: z.number().int(),
  canAsk: z.boolean(),
  /** What to do next, in words (null when there is nothing to do). */
  next: z.string().nullable(),
  /** Whether asking needs a plan or credits on this server. */
  enforced: z.boolean(),
});
export type BillingMe = z.infer<typeof billingMeSchema>;

export const tutorBalanceSchema = z.object({
  balances: z.array(
    z.object({
      currency: z.string(),
      /** Each amount once: payable + on hold is what the tutor is owed (earnings less payouts and reversals). */
      /** Payable now: what the next payout run may send (past the hold period). */
      payableMinor: minorSchema,
      /** Earned within the hold period: payable once it has passed. Not part of payableMinor. */
      onHoldMinor: minorSchema,
      inTransitMinor: minorSchema,
      paidMinor: minorSchema,
    }),
  ),
  minimumPayoutMinor: z.record(z.string(), minorSchema),
  holdDays: z.number().int(),
});
export type TutorBalance = z.infer<typeof tutorBalanceSchema>;

export const dateRangeQuerySchema = z.strictObject({
  from: z.iso.date('must be a date (YYYY-MM-DD)').optional(),
  to: z.iso.date('must be a date (YYYY-MM-DD)').optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

export const statementSchema = z.object({
  from: z.string(),
  to: z.string(),
  currencies: z.array(
    z.object({
      currency: z.string(),
      openingMinor: minorSchema,
      closingMinor: minorSchema,
      lines: z.array(z.object({ at: z.string(), kind: z.string(), description: z.string(), amountMinor: minorSchema, balanceMinor: minorSchema })),
    }),
  ),
});
export type Statement = z.infer<typeof statementSchema>;

export const revenueReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  rows: z.array(
    z.object({
      month: z.string(),
      currency: z.string(),
      /** Each row reconciles: received − refunded = revenue + commission + tutor earnings + deferred. */
      /** Gross money received (payments). */
      receivedMinor: minorSchema,
      refundedMinor: minorSchema,
      /** What the platform keeps of subscriptions and packs, less refunds and the tutors' question earnings. */
      revenueMinor: minorSchema,
      /** The platform's share of booked lessons earned (less reversals). */
      commissionMinor: minorSchema,
      /** Earned by tutors, in this currency: questions and lessons, less reversals. */
      tutorEarningsMinor: minorSchema,
      /** Booked lessons paid for and not yet earned (or refunded): the change in lesson prepayments. */
      deferredMinor: minorSchema,
    }),
  ),
});
export type RevenueReport = z.infer<typeof revenueReportSchema>;

export const planPriceSchema = z.object({ currency: currencySchema, amountMinor: minorSchema.positive('must be more than zero'), active: z.boolean().default(true) });
export const billingPlanSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['subscription', 'credit_pack']),
  questions: z.number().int(),
  trialDays: z.number().int(),
  graceDays: z.number().int(),
  active: z.boolean(),
  prices: z.array(z.object({ currency: z.string(), amountMinor: z.number().int(), active: z.boolean() })),
});
export type BillingPlan = z.infer<typeof billingPlanSchema>;

const planFields = {
  name: z.string().trim().min(2, 'at least 2 characters').max(80),
  kind: z.enum(['subscription', 'credit_pack']),
  questions: z.number().int().min(1, 'at least 1').max(10_000),
  trialDays: z.number().int().min(0).max(90).default(0),
  graceDays: z.number().int().min(0).max(30).default(3),
  active: z.boolean().default(true),
  prices: z
    .array(planPriceSchema)
    .min(1, 'at least one price')
    .refine((p) => new Set(p.map((x) => x.currency)).size === p.length, 'one price per currency')
    .refine((p) => p.some((x) => x.currency === 'INR') && p.some((x) => x.currency === 'USD'), 'prices in INR and USD are both needed'),
};
export const createPlanBodySchema = z.strictObject({ id: z.string().regex(/^[a-z0-9][a-z0-9_-]{1,40}$/, 'lowercase letters, digits, - and _'), ...planFields });
export const updatePlanBodySchema = z.strictObject(planFields);
export type CreatePlanBody = z.infer<typeof createPlanBodySchema>;
export type UpdatePlanBody = z.infer<typeof updatePlanBodySchema>;
