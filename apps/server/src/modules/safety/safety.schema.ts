import { sql } from 'drizzle-orm';
import { boolean, index, jsonb, pgTable, primaryKey, serial, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../identity/identity.schema';

/** safety: the tables this module owns. Only this module's *.repo.ts queries them. */

// safety: contact details sent towards a minor and masked before delivery (the original kept as evidence for ops)
export const safetyContactAttempts = pgTable(
  'safety_contact_attempts',
  {
    id: serial('id').primaryKey(),
    senderId: uuid('sender_id')
      .notNull()
      .references(() => users.id),
    /** The session it was sent in (no foreign key: rooms owns its table); null for a profile bio. */
    sessionId: uuid('session_id'),
    surface: text('surface', { enum: ['chat', 'board', 'bio', 'whatsapp'] }).notNull(),
    original: text('original').notNull(),
    categories: jsonb('categories').$type<string[]>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    /** board: the element it is in. A text element is re-sent whole on every keystroke: one attempt per element. */
    ref: text('ref'),
  },
  (t) => [
    index('safety_contact_attempts_sender_idx').on(t.senderId, t.createdAt),
    index('safety_contact_attempts_session_idx').on(t.sessionId),
    uniqueIndex('safety_contact_attempts_ref_key').on(t.sessionId, t.senderId, t.ref).where(sql`${t.ref} is not null`),
  ],
);

// safety: what ops must look at: repeated contact attempts, a minor's call running long, a severe report
export const safetyFlags = pgTable(
  'safety_flags',
  {
    id: serial('id').primaryKey(),
    kind: text('kind', { enum: ['repeat_contact', 'long_call', 'severe_report'] }).notNull(),
    /** Whom it is about (the sender, the tutor of the call, the reported tutor). */
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    sessionId: uuid('session_id'),
    /** One flag per cause: e.g. `repeat_contact:session:<id>:<sender>` or `long_call:<session>`. */
    dedupeKey: text('dedupe_key').notNull().unique(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('safety_flags_created_idx').on(t.createdAt)],
);

// safety: one person's report of the other in a session; open reports hold the session's evidence beyond retention
export const safetyReports = pgTable(
  'safety_reports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id').notNull(),
    reporterId: uuid('reporter_id')
      .notNull()
      .references(() => users.id),
    reportedId: uuid('reported_id')
      .notNull()
      .references(() => users.id),
    category: text('category').notNull(),
    text: text('text').notNull(),
    source: text('source', { enum: ['room', 'session_page', 'whatsapp'] }).notNull(),
    severe: boolean('severe').notNull(),
    status: text('status', { enum: ['open', 'closed'] }).notNull(),
    blocked: boolean('blocked').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    closedBy: uuid('closed_by').references(() => users.id),
    resolution: text('resolution'),
  },
  (t) => [index('safety_reports_status_idx').on(t.status, t.createdAt), index('safety_reports_session_idx').on(t.sessionId), index('safety_reports_reported_idx').on(t.reportedId, t.status)],
);

// safety: a student's block of a tutor: no alerts for the student's questions, no bookings by the student
export const safetyBlocks = pgTable(
  'safety_blocks',
  {
    studentId: uuid('student_id')
      .notNull()
      .references(() => users.id),
    tutorId: uuid('tutor_id')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.studentId, t.tutorId] }), index('safety_blocks_tutor_idx').on(t.tutorId)],
);
