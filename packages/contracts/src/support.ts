import { z } from 'zod';
import { diagnosticsSchema } from './rooms';

/**
 * Support tickets (#18): "Report a problem" in the room and after every call asks the questions support would otherwise
 * ask by hand, attaches the call's diagnostics, and opens a ticket that support answers in-app (and on WhatsApp when linked).
 */
export const problemAreas = ['video', 'sound', 'board', 'join', 'other'] as const;
export type ProblemArea = (typeof problemAreas)[number];
export const problemDevices = ['phone', 'tablet', 'computer'] as const;
export const problemNetworks = ['wifi', 'mobile', 'school', 'unknown'] as const;
export const workedBefore = ['yes', 'no', 'first_time'] as const;
export const ticketStatuses = ['open', 'waiting', 'solved'] as const;
export type TicketStatus = (typeof ticketStatuses)[number];

const uuid = z.uuid('must be an id');
const text = (max: number) => z.string().trim().min(1).max(max);

export const reportProblemSchema = z.strictObject({
  /** The session the problem happened in, if any (the room, or its page after the call). */
  sessionId: uuid.optional(),
  /** What did not work; one or more. */
  areas: z.array(z.enum(problemAreas)).min(1).max(problemAreas.length),
  device: z.enum(problemDevices),
  network: z.enum(problemNetworks),
  workedBefore: z.enum(workedBefore),
  description: z.string().trim().max(2000).default(''),
  /** The browser's own view of itself (the same shape the room reports). */
  diagnostics: diagnosticsSchema.optional(),
  /** A /check report's code, when the user ran the self-test from the dialog. */
  checkReportId: z.string().trim().regex(/^[A-Za-z0-9-]{4,32}$/, 'must be a check report code').optional(),
});
export type ReportProblem = z.input<typeof reportProblemSchema>;

export const ticketMessageSchema = z.object({
  id: z.number().int(),
  at: z.string(),
  /** user: the person who reported; reply: support's answer they see; note: support's internal note (staff only). */
  kind: z.enum(['user', 'reply', 'note']),
  author: z.object({ id: z.string(), displayName: z.string() }),
  body: z.string(),
});
export type TicketMessage = z.infer<typeof ticketMessageSchema>;

/** What the call looked like from the server's side when the ticket was opened (staff only). */
export const ticketSessionSummarySchema = z.object({
  sessionId: z.string(),
  connectedSeconds: z.number(),
  reconnects: z.number().int(),
  mediaFailures: z.number().int(),
  candidateTypes: z.array(z.string()),
  lastQuality: z.record(z.string(), z.unknown()).nullable(),
  participants: z.array(z.object({ userId: z.string().nullable(), diagnostics: z.record(z.string(), z.unknown()) })),
});
export type TicketSessionSummary = z.infer<typeof ticketSessionSummarySchema>;

export const ticketSchema = z.object({
  id: z.string(),
  /** A short code the user can quote ("T-4K7Q2M"). */
  ref: z.string(),
  status: z.enum(ticketStatuses),
  createdAt: z.string(),
  updatedAt: z.string(),
  solvedAt: z.string().nullable(),
  sessionId: z.string().nullable(),
  areas: z.array(z.enum(problemAreas)),
  device: z.enum(problemDevices),
  network: z.enum(problemNetworks),
  workedBefore: z.enum(workedBefore),
  description: z.string(),
  checkReportId: z.string().nullable(),
  messages: z.array(ticketMessageSchema),
});
export type Ticket = z.infer<typeof ticketSchema>;

/** The staff view adds who reported, who holds it, and the diagnostics. */
export const staffTicketSchema = ticketSchema.extend({
  reporter: z.object({ id: z.string(), displayName: z.string(), role: z.string() }),
  assignee: z.object({ id: z.string(), displayName: z.string() }).nullable(),
  diagnostics: z.record(z.string(), z.unknown()).nullable(),
  session: ticketSessionSummarySchema.nullable(),
});
export type StaffTicket = z.infer<typeof staffTicketSchema>;

export const ticketQueueQuerySchema = z.strictObject({
  status: z.enum(ticketStatuses).optional(),
  /** "me", "none" or a staff member's id. */
  assignee: z.union([z.enum(['me', 'none']), uuid]).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
export type TicketQueueQuery = z.input<typeof ticketQueueQuerySchema>;

export const ticketQueueItemSchema = z.object({
  id: z.string(),
  ref: z.string(),
  status: z.enum(ticketStatuses),
  createdAt: z.string(),
  updatedAt: z.string(),
  areas: z.array(z.enum(problemAreas)),
  reporter: z.object({ id: z.string(), displayName: z.string(), role: z.string() }),
  assignee: z.object({ id: z.string(), displayName: z.string() }).nullable(),
  sessionId: z.string().nullable(),
  messageCount: z.number().int(),
});
export type TicketQueueItem = z.infer<typeof ticketQueueItemSchema>;

export const ticketReplySchema = z.strictObject({ body: text(4000) });
export const staffTicketNoteSchema = z.strictObject({ body: text(4000), /** true: the user sees it; false: an internal note. */ reply: z.boolean() });
export const ticketAssignSchema = z.strictObject({ assigneeId: uuid.nullable() });
export const ticketStatusChangeSchema = z.strictObject({ status: z.enum(ticketStatuses), reason: z.string().trim().max(500).optional() });
