import { z } from 'zod';

/** LTI 1.3 (issue #16): a platform registration as an admin types it (the names LMS admin screens and 1EdTech use). */
const url = z.string().trim().min(1, 'is required').max(2000, 'must be at most 2000 characters');
const deploymentId = z.string().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters');

export const ltiRegistrationBodySchema = z.strictObject({
  name: z.string().trim().min(1, 'is required').max(120, 'must be at most 120 characters'),
  issuer: url,
  clientId: z.string().trim().min(1, 'is required').max(255, 'must be at most 255 characters'),
  deploymentIds: z.array(deploymentId).min(1, 'needs at least one deployment id').max(100, 'must list at most 100 deployment ids'),
  authLoginUrl: url,
  accessTokenUrl: url,
  keysetUrl: url,
  /** Whether the school allows Tutorline to keep the email its LMS sends (off by default: no email is kept). */
  shareEmail: z.boolean().optional(),
});
export type LtiRegistrationBody = z.infer<typeof ltiRegistrationBodySchema>;

export const ltiRegistrationPatchSchema = ltiRegistrationBodySchema.partial().extend({ status: z.enum(['active', 'disabled']).optional() }).strict();
export type LtiRegistrationPatch = z.infer<typeof ltiRegistrationPatchSchema>;

export const ltiRegistrationSchema = z.object({
  id: z.string(),
  name: z.string(),
  issuer: z.string(),
  clientId: z.string(),
  deploymentIds: z.array(z.string()),
  authLoginUrl: z.string(),
  accessTokenUrl: z.string(),
  keysetUrl: z.string(),
  status: z.enum(['pending', 'active', 'disabled']),
  shareEmail: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type LtiRegistration = z.infer<typeof ltiRegistrationSchema>;

/** The URLs an LMS admin types into their platform, from this server's public URL. */
export const ltiToolUrlsSchema = z.object({ loginUrl: z.string(), launchUrl: z.string(), jwksUrl: z.string(), registerUrl: z.string() });

export const ltiCourseSchema = z.object({ id: z.string(), title: z.string(), label: z.string().nullable(), courseRole: z.enum(['learner', 'staff']) });
export type LtiCourse = z.infer<typeof ltiCourseSchema>;

/** The course usage report (course staff and admins): per learner on the course's roster. */
export const ltiUsageRowSchema = z.object({
  name: z.string(),
  ltiUserId: z.string().nullable(),
  launched: z.boolean(),
  sessions: z.number().int(),
  lessons: z.number().int(),
  classes: z.number().int(),
  minutes: z.number().int(),
  lastActivityAt: z.iso.datetime().nullable(),
  /** What the course's allowance paid for this learner this month (in the allowance's unit); 0 without one. */
  allowanceUsed: z.number().int(),
});

/**
 * School-paid tutoring (decision 068): each active learner may book this many lessons, or lesson-minutes, per UTC
 * calendar month without paying; 0 switches it off. Course staff of the course and admins set it.
 */
export const ltiAllowanceBodySchema = z.strictObject({
  unit: z.enum(['lessons', 'minutes']),
  perLearnerMonthly: z.number().int('must be a whole number').min(0, 'must be 0 or more'),
});
export type LtiAllowanceBody = z.infer<typeof ltiAllowanceBodySchema>;
export const ltiAllowanceSchema = z.object({
  allowance: ltiAllowanceBodySchema.extend({ updatedAt: z.iso.datetime() }).nullable(),
  /** The month now counting ('2026-12', UTC) and what the course's learners drew in it. */
  month: z.string(),
  usedThisMonth: z.number().int(),
});
export type LtiAllowance = z.infer<typeof ltiAllowanceSchema>;

export const ltiUsageReportSchema = z.object({
  course: z.object({ id: z.string(), title: z.string() }),
  roster: z.object({ syncedAt: z.iso.datetime().nullable(), problem: z.string().nullable() }),
  learners: z.array(ltiUsageRowSchema),
  allowance: ltiAllowanceSchema,
});
export type LtiUsageReport = z.infer<typeof ltiUsageReportSchema>;

/**
 * A course's monthly statement (decision 075): each lesson its allowance paid for in the month (by the lesson's start,
 * UTC), and what the school owes for it. `billed`: earned (completed, or a student no-show or late cancellation), so
 * owed; `not_billed`: cancelled in time or a tutor no-show, nothing owed; `pending`: not settled yet.
 */
export const ltiStatementSchema = z.object({
  course: z.object({ id: z.string(), title: z.string() }),
  month: z.string(),
  lessons: z.array(
    z.object({
      bookingId: z.string(),
      learner: z.string(),
      tutor: z.string(),
      start: z.iso.datetime(),
      minutes: z.number().int(),
      status: z.enum(['billed', 'not_billed', 'pending']),
      outcome: z.string().nullable(),
      amountMinor: z.number().int(),
      currency: z.string(),
    }),
  ),
  /** Per currency: lessons billed, their minutes, and the amount owed by the school (minor units). */
  totals: z.array(z.object({ currency: z.string(), lessons: z.number().int(), minutes: z.number().int(), amountMinor: z.number().int() })),
});
export type LtiStatement = z.infer<typeof ltiStatementSchema>;
