import { z } from 'zod';

export const questionStatuses = ['open', 'claimed', 'answered', 'expired', 'cancelled'] as const;
export const questionStatusSchema = z.enum(questionStatuses);
export type QuestionStatus = z.infer<typeof questionStatusSchema>;

export const MAX_QUESTION_PHOTOS = 4;

export const uploadedPhotoSchema = z.object({
  photoId: z.string(),
  width: z.number(),
  height: z.number(),
  /** Authorised URL of the thumbnail. */
  thumbUrl: z.string(),
});
export type UploadedPhoto = z.infer<typeof uploadedPhotoSchema>;

export const askQuestionBodySchema = z.strictObject({
  /** Client-generated, so a retried submit creates only one question. */
  requestId: z.uuid('must be a UUID made by the client'),
  subjectId: z.string().min(1).max(40),
  level: z.string().min(1).max(40),
  text: z.string().trim().max(2000).optional(),
  photoIds: z.array(z.uuid()).min(1, 'add at least one photo').max(MAX_QUESTION_PHOTOS, `at most ${MAX_QUESTION_PHOTOS} photos`),
  /** The LMS course the student asks from (an "Instant help" item, #16): the question and its session are tagged with it. */
  course: z.uuid('must be a course id').optional(),
});
export type AskQuestionBody = z.infer<typeof askQuestionBodySchema>;

export const questionPhotoSchema = z.object({ id: z.string(), url: z.string(), thumbUrl: z.string(), width: z.number(), height: z.number() });

export const tutorSummarySchema = z.object({
  id: z.string(),
  displayName: z.string(),
  /** Average rating out of 5, null before the first rating. */
  rating: z.number().nullable(),
  ratingCount: z.number(),
});
export type TutorSummary = z.infer<typeof tutorSummarySchema>;

export const questionEventSchema = z.object({ type: z.string(), at: z.string(), data: z.record(z.string(), z.unknown()).nullable() });

export const questionSchema = z.object({
  id: z.string(),
  status: questionStatusSchema,
  subjectId: z.string(),
  level: z.string(),
  text: z.string().nullable(),
  photos: z.array(questionPhotoSchema),
  createdAt: z.string(),
  expiresAt: z.string(),
  wave: z.number(),
  notifiedCount: z.number(),
  nextWaveAt: z.string().nullable(),
  claimedAt: z.string().nullable(),
  tutor: tutorSummarySchema.nullable(),
  sessionId: z.string().nullable(),
  answeredAt: z.string().nullable(),
  rating: z.number().nullable(),
  /**
   * Eligible tutors a later wave may still ask (held back, cooling down, or beyond this wave's size). 0 with nobody
   * notified: no tutor who teaches it is reachable right now.
   */
  waitingTutors: z.number(),
  /** Why it closed without reaching anyone: nobody teaches it ('no_tutors'), or it expired with 0 notified ('nobody_reached'). */
  closeReason: z.enum(['no_tutors', 'nobody_reached']).nullable(),
  /** The student's view includes the timeline. */
  timeline: z.array(questionEventSchema).optional(),
});
export type Question = z.infer<typeof questionSchema>;

/** What a tutor sees in the live feed. */
export const feedItemSchema = z.object({
  questionId: z.string(),
  subjectId: z.string(),
  level: z.string(),
  text: z.string().nullable(),
  photos: z.array(questionPhotoSchema),
  askedAt: z.string(),
  expiresAt: z.string(),
});
export type FeedItem = z.infer<typeof feedItemSchema>;

export const claimResultSchema = z.object({ questionId: z.string(), sessionId: z.string() });
export const rateQuestionBodySchema = z.strictObject({
  stars: z.number().int().min(1).max(5),
  comment: z.string().trim().max(1000).optional(),
  favourite: z.boolean().optional(),
});
export const availabilityBodySchema = z.strictObject({
  online: z.boolean(),
  /** Notify me through my other channels while I'm offline. */
  notifyWhenOffline: z.boolean().optional(),
});
/** The tutor's open session, if any: questions are paused while it is open, whatever the switch says. */
export const activeSessionSchema = z.object({ id: z.string(), kind: z.enum(['instant', 'booking']), startedAt: z.string() });
export const availabilitySchema = z.object({ online: z.boolean(), notifyWhenOffline: z.boolean(), activeSession: activeSessionSchema.nullable() });
export type Availability = z.infer<typeof availabilitySchema>;

export const tutorTodaySchema = z.object({
  answeredToday: z.number(),
  earningsToday: z.array(z.object({ currency: z.string(), amountMinor: z.number() })),
});

export const sessionSchema = z.object({
  id: z.string(),
  kind: z.enum(['instant', 'booking']),
  status: z.enum(['active', 'ended']),
  questionId: z.string().nullable(),
  student: z.object({ id: z.string(), displayName: z.string() }),
  tutor: tutorSummarySchema,
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  /** For kind 'booking': the booked lesson's id and its planned start and end. */
  booking: z.object({ id: z.string(), start: z.string(), end: z.string() }).nullable().optional(),
  /** A participant asking: the stars they gave the other person after the session (POST /api/sessions/:id/rating), null before. */
  yourRating: z.number().int().nullable().optional(),
});
export type TutoringSession = z.infer<typeof sessionSchema>;

// Socket events for instant help.
export interface HelpProgressPayload {
  questionId: string;
  wave: number;
  notifiedCount: number;
  nextWaveAt: string | null;
  expiresAt: string;
  /** See Question.waitingTutors. */
  waitingTutors: number;
}
export interface HelpClaimedPayload {
  questionId: string;
  sessionId: string;
  tutor: TutorSummary;
}
export type QuestionCloseReason = 'no_tutors' | 'nobody_reached';
export interface HelpClosedPayload {
  questionId: string;
  status: 'expired' | 'cancelled';
  /** Only when it reached nobody: why, and whether the credit (or included question) it used was given back. */
  reason?: QuestionCloseReason;
  refunded?: boolean;
}

/** What can be asked now: subjects and levels that at least one approved tutor teaches (GET /api/help/subjects). */
export const answerableSubjectsSchema = z.object({
  subjects: z.array(z.object({ id: z.string(), name: z.string(), levels: z.array(z.string()) })),
  /** Subjects and levels in the catalogue that no approved tutor teaches yet. */
  notYetTaught: z.array(z.object({ id: z.string(), name: z.string(), levels: z.array(z.string()) })),
});
export type AnswerableSubjects = z.infer<typeof answerableSubjectsSchema>;

/** An open session as the admins' list shows it, with how long since anyone was in the room. */
export const adminSessionSchema = z.object({
  id: z.string(),
  kind: z.enum(['instant', 'booking']),
  questionId: z.string().nullable(),
  student: z.object({ id: z.string(), displayName: z.string() }),
  tutor: z.object({ id: z.string(), displayName: z.string() }),
  startedAt: z.string(),
  /** The last call event (a join, a leave, a quality sample), or null when nobody ever joined. */
  lastActivityAt: z.string().nullable(),
});
export type AdminSession = z.infer<typeof adminSessionSchema>;
export const endSessionBodySchema = z.strictObject({ reason: z.string().trim().min(3, 'needs a few words saying why').max(500) });

/** What a participant's browser puts in RTCPeerConnection's iceServers; TURN credentials are per user and time-limited. */
export const iceServersSchema = z.object({
  iceServers: z.array(z.object({ urls: z.array(z.string()), username: z.string().optional(), credential: z.string().optional() })),
  /** When the TURN credential stops working for new allocations; fetch again before then. */
  expiresAt: z.string().nullable(),
  /** 'relay': use only TURN candidates (the deployment hides participants' addresses from each other). */
  iceTransportPolicy: z.enum(['all', 'relay']),
});
export type IceServers = z.infer<typeof iceServersSchema>;
