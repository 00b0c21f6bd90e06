import { z } from 'zod';
import { countrySchema, emailSchema, passwordSchema, phoneSchema, timeZoneSchema } from './identity';

/** Guardians (issue #20): links, verifiable consent, limits and what a guardian sees. */

/** A guardian's WhatsApp number (E.164) or email, given by a student who needs consent. */
export const guardianInviteBodySchema = z.strictObject({
  contact: z.string().trim().min(3, 'must be a guardian email or WhatsApp number').max(254),
});

export const guardianInviteViewSchema = z.object({
  childName: z.string(),
  channel: z.enum(['whatsapp', 'email']),
  expired: z.boolean(),
  declarationVersion: z.string(),
  declarationText: z.string(),
});
export type GuardianInviteView = z.infer<typeof guardianInviteViewSchema>;

/** A new guardian account made from an invite link. */
export const guardianSignUpBodySchema = z.strictObject({
  email: emailSchema,
  password: passwordSchema,
  displayName: z.string().trim().min(1, 'is required').max(80, 'must be at most 80 characters'),
  timeZone: timeZoneSchema.optional(),
});

export const guardianOtpBodySchema = z.strictObject({ phone: phoneSchema });

export const guardianCodeConsentBodySchema = z.strictObject({
  method: z.literal('otp_declaration'),
  code: z.string().trim().regex(/^\d{6}$/, 'must be the 6-digit code'),
  fullName: z.string().trim().min(2, 'type your full name').max(120),
  agreed: z.literal(true, 'tick the box to agree'),
  declarationVersion: z.string().min(1).max(40),
  declarationText: z.string().min(1).max(2000),
});

/** The card method (decision 086): the same signed declaration, then a small card charge refunded at once. */
export const guardianCardConsentBodySchema = z.strictObject({
  method: z.literal('card_charge'),
  fullName: z.string().trim().min(2, 'type your full name').max(120),
  agreed: z.literal(true, 'tick the box to agree'),
  declarationVersion: z.string().min(1).max(40),
  declarationText: z.string().min(1).max(2000),
});
export type GuardianCardConsentBody = z.infer<typeof guardianCardConsentBodySchema>;

/** A started card check: where to pay, and what is charged (and refunded). */
export const guardianCardCheckStartedSchema = z.object({ cardCheckId: z.string(), checkoutId: z.string(), url: z.string().nullable(), amountMinor: z.number().int(), currency: z.string() });
export type GuardianCardCheckStarted = z.infer<typeof guardianCardCheckStartedSchema>;

/** The card method for one child: what it would charge (null: not available here), and the guardian's latest check. */
export const guardianCardCheckSchema = z.object({
  price: z.object({ amountMinor: z.number().int(), currency: z.string() }).nullable(),
  latest: z
    .object({
      id: z.string(),
      status: z.enum(['open', 'consented', 'failed']),
      amountMinor: z.number().nullable(),
      currency: z.string().nullable(),
      refund: z.enum(['requested', 'succeeded', 'failed']).nullable(),
      createdAt: z.string(),
    })
    .nullable(),
});
export type GuardianCardCheck = z.infer<typeof guardianCardCheckSchema>;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time as HH:MM');
export const guardianControlsBodySchema = z
  .strictObject({
    /** Minor units per calendar month; null: no limit. */
    monthlyLimitMinor: z.number().int().min(0).max(100_000_000).nullable(),
    allowedFrom: hhmm.nullable(),
    allowedTo: hhmm.nullable(),
    recordingAllowed: z.boolean(),
    country: countrySchema.optional(),
  })
  .refine((b) => (b.allowedFrom === null) === (b.allowedTo === null), { path: ['allowedTo'], message: 'give both times, or neither' });
export type GuardianControlsBody = z.infer<typeof guardianControlsBodySchema>;

export const guardianControlsSchema = z.object({
  monthlyLimitMinor: z.number().nullable(),
  allowedFrom: z.string().nullable(),
  allowedTo: z.string().nullable(),
  recordingAllowed: z.boolean(),
});

export const guardianActivitySchema = z.object({
  kind: z.enum(['instant', 'lesson', 'class']),
  id: z.string(),
  title: z.string(),
  tutorName: z.string(),
  startedAt: z.string(),
  minutes: z.number().nullable(),
  tutorNote: z.string().nullable(),
  rating: z.number().nullable(),
});
export type GuardianActivity = z.infer<typeof guardianActivitySchema>;

/** Third-party sharing (#20, COPPA 2025): a consent apart from the main one; the guardian gives or withdraws it. */
export const guardianSharingBodySchema = z.strictObject({
  given: z.boolean(),
  fullName: z.string().trim().min(2, 'type your full name').max(120),
  agreed: z.literal(true, 'tick the box to confirm'),
  textVersion: z.string().min(1).max(40),
  text: z.string().min(1).max(2000),
});
export type GuardianSharingBody = z.infer<typeof guardianSharingBodySchema>;

export const guardianSharingSchema = z.object({
  given: z.boolean(),
  /** When the newest decision was made (null: never asked, so not given). */
  at: z.string().nullable(),
  textVersion: z.string(),
  /** The exact text the guardian agrees to when giving, and when withdrawing. */
  giveText: z.string(),
  withdrawText: z.string(),
});
export type GuardianSharing = z.infer<typeof guardianSharingSchema>;

export const guardianChildSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  age: z.number().nullable(),
  country: z.string().nullable(),
  timeZone: z.string(),
  status: z.enum(['pending', 'consented', 'revoked']),
  consentAt: z.string().nullable(),
  spentThisMonthMinor: z.number(),
  controls: guardianControlsSchema,
  /** The declaration a guardian signs for this child, and its version. */
  declarationVersion: z.string(),
  declarationText: z.string(),
  /** The card method of consent (decision 086). */
  cardCheck: guardianCardCheckSchema,
  /** Sharing with third parties (the school's LMS), apart from the main consent. */
  sharing: guardianSharingSchema,
  activity: z.array(guardianActivitySchema),
});
export type GuardianChild = z.infer<typeof guardianChildSchema>;
