import { z } from 'zod';

/** Tutor recommendations (#17): what GET /api/recommendations answers, the student's settings, and the admin's view. */

export const recommendationQuerySchema = z.strictObject({
  subject: z.string().min(1).max(40),
  level: z.string().min(1).max(40),
  /** The language the student wants to be taught in; their saved choice when absent. */
  language: z.string().min(1).max(40).optional(),
  limit: z.coerce.number().int().min(1).max(20).default(10),
});
export type RecommendationQuery = z.infer<typeof recommendationQuerySchema>;

export const recommendationReasonSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('history'), how: z.enum(['session', 'lesson', 'class', 'favourite', 'view']), tutorNames: z.array(z.string()) }),
  z.object({ kind: z.literal('also_booked'), tutorName: z.string() }),
  z.object({ kind: z.literal('new') }),
  z.object({ kind: z.literal('popular') }),
]);
export type RecommendationReason = z.infer<typeof recommendationReasonSchema>;

export const recommendedTutorSchema = z.object({
  tutorId: z.string(),
  displayName: z.string(),
  photoUrl: z.string().nullable(),
  languages: z.array(z.string()),
  hourlyRateMinor: z.number().int(),
  currency: z.string(),
  isNew: z.boolean(),
  reason: recommendationReasonSchema,
  /** The reason in English (the web words it from `reason`). */
  reasonText: z.string(),
});
export type RecommendedTutor = z.infer<typeof recommendedTutorSchema>;

export const recommendationListSchema = z.object({
  tutors: z.array(recommendedTutorSchema),
  /** false: cold-start ranking (personalisation off, no history, or no usable model). */
  personalised: z.boolean(),
  modelVersion: z.string().nullable(),
});
export type RecommendationList = z.infer<typeof recommendationListSchema>;

export const similarTutorsSchema = z.object({ tutors: z.array(z.object({ tutorId: z.string(), displayName: z.string(), photoUrl: z.string().nullable() })) });
export type SimilarTutors = z.infer<typeof similarTutorsSchema>;

export const recommendationSettingsSchema = z.strictObject({
  personalised: z.boolean(),
  language: z.string().min(1).max(40).nullable(),
});
export type RecommendationSettings = z.infer<typeof recommendationSettingsSchema>;

export const profileViewSchema = z.strictObject({ tutorId: z.uuid('must be a tutor id') });

export const recommendationModelStatusSchema = z.object({
  loaded: z.object({ version: z.string(), trainedAt: z.string(), tutors: z.number(), metrics: z.record(z.string(), z.number()) }).nullable(),
  /** Why serving is on cold start, when it is (no model yet, a corrupt one). */
  coldStartReason: z.string().nullable(),
  training: z.boolean(),
});
export type RecommendationModelStatus = z.infer<typeof recommendationModelStatusSchema>;

/** The student's home: "Tutors for you" for each subject and level they have worked on (most recent first). */
export const recommendationHomeSchema = z.object({
  subjects: z.array(z.object({ subjectId: z.string(), level: z.string(), list: recommendationListSchema })),
});
export type RecommendationHome = z.infer<typeof recommendationHomeSchema>;
