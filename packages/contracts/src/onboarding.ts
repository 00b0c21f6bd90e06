import { z } from 'zod';

/**
 * Tutor onboarding (#18): a signed-up tutor applies (profile, subjects and levels, an ID document, proof of
 * qualification and a sample answer per subject); ops review it and approve per subject and level, with a reason.
 */
export const applicationStatuses = ['draft', 'applied', 'under_review', 'needs_info', 'approved', 'rejected'] as const;
export type ApplicationStatus = (typeof applicationStatuses)[number];
export const documentKinds = ['id_document', 'qualification'] as const;
export type DocumentKind = (typeof documentKinds)[number];

const reason = z.string().trim().min(3, 'write a reason (at least 3 characters)').max(1000);

export const subjectLevelSchema = z.strictObject({ subjectId: z.string().trim().min(1).max(40), level: z.string().trim().min(1).max(40) });
export type SubjectLevel = z.infer<typeof subjectLevelSchema>;

export const applicationDraftSchema = z.strictObject({
  bio: z.string().trim().max(2000).default(''),
  experience: z.string().trim().max(2000).default(''),
  languages: z.array(z.string().trim().min(2).max(40)).max(10).default([]),
  subjects: z
    .array(subjectLevelSchema.extend({ sampleAnswer: z.string().trim().max(4000).default('') }))
    .max(20)
    .default([]),
});
export type ApplicationDraft = z.input<typeof applicationDraftSchema>;

export const documentKindQuerySchema = z.strictObject({ kind: z.enum(documentKinds) });

export const onboardingDocumentSchema = z.object({
  id: z.string(),
  kind: z.enum(documentKinds),
  contentType: z.enum(['image/jpeg', 'application/pdf']),
  bytes: z.number().int(),
  fileName: z.string(),
  uploadedAt: z.string(),
});
export type OnboardingDocument = z.infer<typeof onboardingDocumentSchema>;

export const appliedSubjectSchema = z.object({
  subjectId: z.string(),
  subjectName: z.string(),
  level: z.string(),
  sampleAnswer: z.string(),
  /** null until ops decide; then approved or not, with their reason. */
  decision: z.enum(['approved', 'not_approved']).nullable(),
  decisionReason: z.string().nullable(),
});

export const applicationSchema = z.object({
  id: z.string(),
  status: z.enum(applicationStatuses),
  bio: z.string(),
  experience: z.string(),
  languages: z.array(z.string()),
  subjects: z.array(appliedSubjectSchema),
  documents: z.array(onboardingDocumentSchema),
  /** What the application still lacks before it can be sent (computed), or what ops asked for (needs_info). */
  missing: z.array(z.string()),
  /** Ops' message when they asked for more information. */
  infoRequest: z.string().nullable(),
  decisionReason: z.string().nullable(),
  submittedAt: z.string().nullable(),
  decidedAt: z.string().nullable(),
  updatedAt: z.string(),
});
export type Application = z.infer<typeof applicationSchema>;

export const staffApplicationSchema = applicationSchema.extend({
  tutor: z.object({ id: z.string(), displayName: z.string() }),
  reviewer: z.object({ id: z.string(), displayName: z.string() }).nullable(),
  /** Bumped on every change: the review page sends it back, so a decision made on a stale page is refused. */
  version: z.number().int(),
});
export type StaffApplication = z.infer<typeof staffApplicationSchema>;

export const applicationQueueItemSchema = z.object({
  id: z.string(),
  status: z.enum(applicationStatuses),
  tutor: z.object({ id: z.string(), displayName: z.string() }),
  subjects: z.array(subjectLevelSchema),
  documentCount: z.number().int(),
  submittedAt: z.string().nullable(),
  updatedAt: z.string(),
});
export type ApplicationQueueItem = z.infer<typeof applicationQueueItemSchema>;

export const applicationQueueQuerySchema = z.strictObject({
  status: z.enum(applicationStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type ApplicationQueueQuery = z.input<typeof applicationQueueQuerySchema>;

export const startReviewSchema = z.strictObject({ reason: z.string().trim().max(1000).optional() });
export const requestInfoSchema = z.strictObject({
  missing: z.array(z.string().trim().min(2).max(200)).min(1).max(10),
  message: z.string().trim().max(1000).default(''),
  reason,
});
export const applicationDecisionSchema = z.strictObject({
  decision: z.enum(['approve', 'reject']),
  /** approve: exactly the subject/levels approved (each must be one applied for); reject: leave empty. */
  subjects: z.array(subjectLevelSchema).max(20).default([]),
  reason,
});
export type ApplicationDecision = z.input<typeof applicationDecisionSchema>;
