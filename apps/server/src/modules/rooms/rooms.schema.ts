import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { bytea } from '../../platform/db/columns';
import { questions } from '../help/help.schema';
import { users } from '../identity/identity.schema';

/** rooms: the tables this module owns. Only this module's *.repo.ts queries them; another module's schema may reference them for a foreign key. */

// rooms: tutoring sessions (the live room itself comes with issue #4)
export const tutoringSessions = pgTable(
  'tutoring_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: ['instant', 'booking'] }).notNull(),
    status: text('status', { enum: ['active', 'ended'] }).notNull().default('active'),
    studentId: uuid('student_id')
      .notNull()
      .references(() => users.id),
    tutorId: uuid('tutor_id')
      .notNull()
      .references(() => users.id),
    questionId: uuid('question_id').references(() => questions.id),
    /** For kind 'booking': the booked lesson this room belongs to (one room per booking). */
    bookingId: uuid('booking_id'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('tutoring_sessions_question_key').on(t.questionId),
    uniqueIndex('tutoring_sessions_booking_key').on(t.bookingId),
    index('tutoring_sessions_tutor_active_idx').on(t.tutorId).where(sql`status = 'active'`),
    // A tutor is in at most one open instant-help session: two claims at once by the same tutor cannot both win.
    uniqueIndex('tutoring_sessions_tutor_open_instant_key').on(t.tutorId).where(sql`status = 'active' and kind = 'instant'`),
    index('tutoring_sessions_student_idx').on(t.studentId),
    // The ops rollups read the sessions of a few recent minutes (decision 060).
    index('tutoring_sessions_started_idx').on(t.startedAt),
    index('tutoring_sessions_ended_idx').on(t.endedAt).where(sql`ended_at is not null`),
  ],
);

// rooms: the live tutoring room of a session

/** Chat in a session's room. (session, sender, client_id) makes a resend the same message. */
export const roomMessages = pgTable(
  'room_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => tutoringSessions.id),
    senderId: uuid('sender_id')
      .notNull()
      .references(() => users.id),
    clientId: uuid('client_id').notNull(),
    body: text('body'),
    photoId: uuid('photo_id').references(() => roomPhotos.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('room_messages_client_key').on(t.sessionId, t.senderId, t.clientId), index('room_messages_session_idx').on(t.sessionId, t.id)],
);

/** Photos sent in a room's chat; the same checks and storage as question photos. */
export const roomPhotos = pgTable(
  'room_photos',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => tutoringSessions.id),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id),
    storageKey: text('storage_key').notNull(),
    thumbKey: text('thumb_key').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    bytes: integer('bytes').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('room_photos_session_idx').on(t.sessionId)],
);

/** The whiteboard: a compacted Yjs state per session, plus the updates since (appended, folded in now and then). */
export const roomBoards = pgTable('room_boards', {
  sessionId: uuid('session_id')
    .primaryKey()
    .references(() => tutoringSessions.id),
  state: bytea('state').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

export const roomBoardUpdates = pgTable(
  'room_board_updates',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => tutoringSessions.id),
    update: bytea('update').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('room_board_updates_session_idx').on(t.sessionId, t.id)],
);

/** The session's call timeline: joins, media, reconnects, quality samples, diagnostics, end. */
export const callEvents = pgTable(
  'call_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => tutoringSessions.id),
    userId: uuid('user_id').references(() => users.id),
    type: text('type').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('call_events_session_idx').on(t.sessionId, t.at), index('call_events_trouble_idx').on(t.at).where(sql`type in ('reconnecting', 'media-failed')`)],
);

/** Intervals when both participants were in the room: session time (and later billing) counts only these. */
export const sessionTogether = pgTable(
  'session_together',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => tutoringSessions.id),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [index('session_together_session_idx').on(t.sessionId), index('session_together_started_idx').on(t.startedAt), uniqueIndex('session_together_open_key').on(t.sessionId).where(sql`ended_at is null`)],
);

/** Each participant's rating of the other after a session: one row per rater, so the two sides are stored apart. */
export const sessionRatings = pgTable(
  'session_ratings',
  {
    sessionId: uuid('session_id')
      .notNull()
      .references(() => tutoringSessions.id),
    raterId: uuid('rater_id')
      .notNull()
      .references(() => users.id),
    rateeId: uuid('ratee_id')
      .notNull()
      .references(() => users.id),
    raterRole: text('rater_role', { enum: ['student', 'tutor'] }).notNull(),
    stars: integer('stars').notNull(),
    comment: text('comment'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.raterId] }), index('session_ratings_ratee_idx').on(t.rateeId, t.createdAt), index('session_ratings_created_idx').on(t.createdAt), check('session_ratings_stars', sql`${t.stars} between 1 and 5`)],
);

/** How far each participant has read a session's chat (the newest message id seen), kept across reloads and devices. */
export const sessionChatReads = pgTable(
  'session_chat_reads',
  {
    sessionId: uuid('session_id')
      .notNull()
      .references(() => tutoringSessions.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    lastReadMessageId: bigint('last_read_message_id', { mode: 'number' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.userId] })],
);
