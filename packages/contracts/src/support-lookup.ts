import { z } from 'zod';
import { callEventSchema } from './rooms';
import { ticketSessionSummarySchema } from './support';

/** Support's search (#18): a name, an email, a phone number, or a question or session id. */
export const supportSearchQuerySchema = z.strictObject({
  q: z.string().trim().min(2, 'type at least 2 characters').max(200),
});

export const supportPersonSchema = z.object({
  id: z.string(),
  role: z.string(),
  displayName: z.string(),
  email: z.string(),
  phone: z.string().nullable(),
  createdAt: z.string(),
  disabled: z.boolean(),
});
export type SupportPerson = z.infer<typeof supportPersonSchema>;

export const supportSearchResultSchema = z.object({
  /** What the text was taken as: people by name/email/phone, or the people of one question or session. */
  matchedBy: z.enum(['people', 'question', 'session']),
  people: z.array(supportPersonSchema),
  /** The session the id named (or the question's session), to open directly. */
  sessionId: z.string().nullable(),
});
export type SupportSearchResult = z.infer<typeof supportSearchResultSchema>;

export const supportTimelineKinds = ['signup', 'question', 'session', 'lesson', 'payment', 'message', 'class', 'notification', 'check', 'ticket'] as const;
export const supportTimelineEntrySchema = z.object({
  kind: z.enum(supportTimelineKinds),
  at: z.string(),
  /** One line a person on a phone can read: "Question in maths: claimed", "Session 12 min, 2 reconnects". */
  title: z.string(),
  detail: z.string().nullable(),
  /** Whether it went wrong (an expired question, a failed call, a failed message): shown in red. */
  problem: z.boolean(),
  sessionId: z.string().nullable(),
  /** What the entry opens besides a session: a class's id, a /check report's code, a ticket's id (by `kind`). */
  ref: z.string().nullable(),
});
export type SupportTimelineEntry = z.infer<typeof supportTimelineEntrySchema>;

export const supportTimelineSchema = z.object({
  person: supportPersonSchema,
  /** Newest first. */
  entries: z.array(supportTimelineEntrySchema),
  /** Payments are listed only for finance and admin; support sees no money. */
  paymentsShown: z.boolean(),
  /** Classes, notifications, /check reports and tickets are listed for support, ops and admin (not for finance alone). */
  supportShown: z.boolean(),
});
export type SupportTimeline = z.infer<typeof supportTimelineSchema>;

export const supportSessionSideSchema = z.object({
  userId: z.string(),
  role: z.enum(['student', 'tutor']),
  displayName: z.string(),
  /** Candidate types this side's media went through (host, srflx, relay), from its media-connected events. */
  candidateTypes: z.array(z.string()),
  reconnects: z.number().int(),
  mediaFailures: z.number().int(),
  /** The last ICE connection state this side reported, when it did. */
  lastIceState: z.string().nullable(),
  diagnostics: z.record(z.string(), z.unknown()).nullable(),
  lastQuality: z.record(z.string(), z.unknown()).nullable(),
});

export const supportSessionPageSchema = z.object({
  session: z.object({
    id: z.string(),
    kind: z.enum(['instant', 'booking']),
    status: z.enum(['active', 'ended']),
    startedAt: z.string(),
    endedAt: z.string().nullable(),
    questionId: z.string().nullable(),
  }),
  sides: z.array(supportSessionSideSchema),
  summary: ticketSessionSummarySchema,
  /** How many chat messages were sent (their words stay private). */
  chatCount: z.number().int(),
  /** Why the call went wrong, in words, worked out from the events (empty when nothing did). */
  findings: z.array(z.string()),
  events: z.array(callEventSchema),
});
export type SupportSessionPage = z.infer<typeof supportSessionPageSchema>;
