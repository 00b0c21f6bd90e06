import { z } from 'zod';

/** Where a tutor's payouts go (issue #18): a RazorpayX fund account (bank or UPI) or a Stripe Connect account. */

/** Indian Financial System Code: 4 letters (the bank), a zero, 6 letters or digits (the branch). */
export const IFSC_PATTERN = /^[A-Z]{4}0[A-Z0-9]{6}$/;
/** A UPI virtual payment address: a handle, '@', the provider's name (NPCI's characters). */
export const VPA_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9._-]{1,255}@[a-zA-Z][a-zA-Z0-9.-]{1,63}$/;

const holderName = z
  .string()
  .trim()
  .min(3, 'must be at least 3 characters')
  .max(120, 'must be at most 120 characters')
  .regex(/^[\p{L} .'-]+$/u, 'must be the name on the bank account (letters, spaces, dots)');

export const bankAccountInputSchema = z.strictObject({
  kind: z.literal('bank_account'),
  holderName,
  ifsc: z
    .string()
    .trim()
    .transform((v) => v.toUpperCase())
    .pipe(z.string().regex(IFSC_PATTERN, 'must be an IFSC code: 4 letters, a zero, then 6 letters or digits (like HDFC0001234)')),
  accountNumber: z
    .string()
    .trim()
    .regex(/^\d{9,18}$/, 'must be the bank account number: 9 to 18 digits'),
});

export const upiInputSchema = z.strictObject({
  kind: z.literal('vpa'),
  holderName,
  vpa: z
    .string()
    .trim()
    .regex(VPA_PATTERN, 'must be a UPI ID like name@bank'),
});

/** A tutor's RazorpayX destination: a bank account or a UPI ID. */
export const razorpayxAccountInputSchema = z.discriminatedUnion('kind', [bankAccountInputSchema, upiInputSchema]);
export type RazorpayxAccountInput = z.infer<typeof razorpayxAccountInputSchema>;

export const payoutAccountStatusSchema = z.enum(['pending', 'active', 'restricted', 'failed']);
export type PayoutAccountStatus = z.infer<typeof payoutAccountStatusSchema>;

export const payoutAccountSchema = z.object({
  id: z.string(),
  provider: z.enum(['razorpayx', 'stripe-connect', 'fake']),
  kind: z.enum(['bank_account', 'vpa', 'connect']),
  status: payoutAccountStatusSchema,
  /** Masked: the bank account's last 4 digits, or the UPI ID with most of its handle hidden. Never the full number. */
  display: z.string(),
  /** Why the account is restricted or failed, in the provider's words (Stripe's requirements). */
  statusReason: z.string().nullable(),
  updatedAt: z.string(),
});
export type PayoutAccount = z.infer<typeof payoutAccountSchema>;

/** A tutor's view: the account (or none: "add where your money goes") and which provider this deployment pays through. */
export const myPayoutAccountSchema = z.object({
  provider: z.enum(['razorpayx', 'stripe-connect', 'fake']),
  account: payoutAccountSchema.nullable(),
});
export type MyPayoutAccount = z.infer<typeof myPayoutAccountSchema>;

export const connectOnboardingSchema = z.object({ url: z.string(), account: payoutAccountSchema });

export const tutorPayoutRowSchema = z.object({
  tutorId: z.string(),
  tutorName: z.string(),
  account: payoutAccountSchema.nullable(),
  lastPayouts: z.array(
    z.object({ id: z.string(), amountMinor: z.number().int(), currency: z.string(), status: z.enum(['pending', 'in_transit', 'paid', 'failed']), failureReason: z.string().nullable(), createdAt: z.string() }),
  ),
});
/** Finance's list; `provider` 'none': payouts are off on this server (PAYOUT_PROVIDER), so nobody is being paid. */
export const tutorPayoutListSchema = z.object({ provider: z.enum(['none', 'razorpayx', 'stripe-connect', 'fake']), tutors: z.array(tutorPayoutRowSchema) });
export type TutorPayoutRow = z.infer<typeof tutorPayoutRowSchema>;
export type TutorPayoutList = z.infer<typeof tutorPayoutListSchema>;
