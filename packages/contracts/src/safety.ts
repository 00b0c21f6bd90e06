import { z } from 'zod';

/**
 * Safety (#20): reports of the other person in a session, blocks, and the ops queue. Severe categories alert ops at
 * once and hold the tutor's question alerts until a reviewer closes the report.
 */
export const reportCategories = ['contact_request', 'inappropriate_language', 'sexual_content', 'grooming', 'threats', 'harassment', 'other'] as const;
export type ReportCategory = (typeof reportCategories)[number];
export const severeReportCategories: readonly ReportCategory[] = ['sexual_content', 'grooming', 'threats'];
export const reportSources = ['room', 'session_page', 'whatsapp'] as const;
export const reportStatuses = ['open', 'closed'] as const;

const uuid = z.uuid('must be an id');

export const createReportSchema = z.strictObject({
  /** The session it happened in: the other participant is the one reported. */
  sessionId: uuid,
  category: z.enum(reportCategories),
  text: z.string().trim().max(2000).default(''),
  source: z.enum(reportSources).default('session_page'),
  /** Also block the other person (a student blocking a tutor). */
  block: z.boolean().default(false),
});
export type CreateReport = z.input<typeof createReportSchema>;
export type CreateReportBody = z.output<typeof createReportSchema>;

export const reportSchema = z.object({
  id: z.string(),
  sessionId: z.string(),
  category: z.enum(reportCategories),
  status: z.enum(reportStatuses),
  severe: z.boolean(),
  createdAt: z.string(),
  /** The reporter blocked the other person with it. */
  blocked: z.boolean(),
});
export type SafetyReport = z.infer<typeof reportSchema>;

const person = z.object({ id: z.string(), displayName: z.string(), role: z.string() });

export const chatExcerptSchema = z.object({ senderId: z.string(), text: z.string().nullable(), sentAt: z.string() });

export const staffReportSchema = reportSchema.extend({
  text: z.string(),
  source: z.enum(reportSources),
  reporter: person,
  reported: person,
  /** Where a reviewer opens the session (its timeline and recording). */
  sessionLink: z.string(),
  /** The session's chat as delivered (masked where it was masked) and the original of what was masked. */
  chat: z.array(chatExcerptSchema),
  contactAttempts: z.array(z.object({ senderId: z.string(), original: z.string(), categories: z.array(z.string()), at: z.string() })),
  closedAt: z.string().nullable(),
  closedBy: z.string().nullable(),
  resolution: z.string().nullable(),
});
export type StaffSafetyReport = z.infer<typeof staffReportSchema>;

export const reportQueueQuerySchema = z.strictObject({ status: z.enum(reportStatuses).default('open') });
export const closeReportSchema = z.strictObject({ resolution: z.string().trim().min(1).max(2000) });

export const blockSchema = z.strictObject({ tutorId: uuid });

export const safetyFlagSchema = z.object({
  id: z.number().int(),
  kind: z.enum(['repeat_contact', 'long_call', 'severe_report']),
  userId: z.string(),
  sessionId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});
export type SafetyFlag = z.infer<typeof safetyFlagSchema>;
