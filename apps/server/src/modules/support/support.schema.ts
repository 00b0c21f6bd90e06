import { index, jsonb, pgTable, serial, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../identity/identity.schema';

/** support: the tables this module owns. Only this module's *.repo.ts queries them. */

// support: a problem reported by a user (from the room, after a call, or from the help page), answered by support
export const supportTickets = pgTable(
  'support_tickets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ref: text('ref').notNull().unique(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    /** The tutoring session it happened in, if any (no foreign key: rooms owns its table; checked when reported). */
    sessionId: uuid('session_id'),
    status: text('status', { enum: ['open', 'waiting', 'solved'] }).notNull(),
    areas: jsonb('areas').$type<string[]>().notNull(),
    device: text('device').notNull(),
    network: text('network').notNull(),
    workedBefore: text('worked_before').notNull(),
    description: text('description').notNull(),
    /** The reporter's browser (browser, os, device class, user agent) as the dialog saw it. */
    diagnostics: jsonb('diagnostics').$type<Record<string, unknown>>(),
    /** The call's events summarised when the ticket was opened (reconnects, candidate types, last quality sample). */
    sessionSummary: jsonb('session_summary').$type<Record<string, unknown>>(),
    checkReportId: text('check_report_id'),
    assigneeId: uuid('assignee_id').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    solvedAt: timestamp('solved_at', { withTimezone: true }),
  },
  (t) => [index('support_tickets_status_updated_idx').on(t.status, t.updatedAt), index('support_tickets_user_idx').on(t.userId, t.createdAt)],
);

// support: the thread of a ticket — the user's messages, support's replies (the user sees them) and internal notes
export const supportTicketMessages = pgTable(
  'support_ticket_messages',
  {
    id: serial('id').primaryKey(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => supportTickets.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['user', 'reply', 'note'] }).notNull(),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id),
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('support_ticket_messages_ticket_idx').on(t.ticketId, t.id)],
);

