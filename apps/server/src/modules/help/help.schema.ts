import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { subjects, users } from '../identity/identity.schema';

/** help: the tables this module owns. Only this module's *.repo.ts queries them; another module's schema may reference them for a foreign key. */

// help: instant questions
export const questionStatusEnum = pgEnum('question_status', ['open', 'claimed', 'answered', 'expired', 'cancelled']);

export const questions = pgTable(
  'questions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    studentId: uuid('student_id')
      .notNull()
      .references(() => users.id),
    requestId: uuid('request_id').notNull(),
    subjectId: text('subject_id')
      .notNull()
      .references(() => subjects.id),
    level: text('level').notNull(),
    text: text('text'),
    status: questionStatusEnum('status').notNull().default('open'),
    wave: integer('wave').notNull().default(0),
    notifiedCount: integer('notified_count').notNull().default(0),
    nextWaveAt: timestamp('next_wave_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    claimedBy: uuid('claimed_by').references(() => users.id),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    sessionId: uuid('session_id'),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    rating: integer('rating'),
    ratingComment: text('rating_comment'),
    ratedAt: timestamp('rated_at', { withTimezone: true }),
    /** Tutors who may still be asked by a later wave (held back, cooling down, beyond this wave's size): set by each wave. */
    waitingTutors: integer('waiting_tutors').notNull().default(0),
    /** Why a question closed without reaching anyone: 'no_tutors' (nobody teaches it) or 'nobody_reached' (expired, 0 notified). */
    closeReason: text('close_reason', { enum: ['no_tutors', 'nobody_reached'] }),
    /** The LMS course the question was asked from (an "Instant help" item, #16): the lti module owns courses, so no foreign key. */
    courseId: uuid('course_id'),
  },
  (t) => [
    uniqueIndex('questions_student_request_key').on(t.studentId, t.requestId),
    index('questions_student_idx').on(t.studentId, t.createdAt),
    index('questions_open_idx').on(t.status).where(sql`status = 'open'`),
    // The ops rollups read the questions of a few recent minutes by each moment (decision 060).
    index('questions_created_idx').on(t.createdAt),
    index('questions_claimed_idx').on(t.claimedAt).where(sql`claimed_at is not null`),
    index('questions_closed_idx').on(t.closedAt).where(sql`closed_at is not null`),
    index('questions_answered_idx').on(t.answeredAt).where(sql`answered_at is not null`),
    index('questions_rated_idx').on(t.ratedAt).where(sql`rated_at is not null`),
    // A course's usage report reads the sessions of its questions.
    index('questions_course_idx').on(t.courseId).where(sql`course_id is not null`),
  ],
);

/** Uploaded photos; question_id is set when the question is asked. */
export const questionPhotos = pgTable(
  'question_photos',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id),
    questionId: uuid('question_id').references(() => questions.id),
    position: integer('position').notNull().default(0),
    storageKey: text('storage_key').notNull(),
    thumbKey: text('thumb_key').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    bytes: integer('bytes').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('question_photos_question_idx').on(t.questionId),
    // The cleanup of photos never attached to a question finds them by age.
    index('question_photos_unattached_idx').on(t.createdAt).where(sql`question_id is null`),
  ],
);

/** One row per tutor per question: "not yet notified" and "at most one message" rest on this key. */
export const questionNotifications = pgTable(
  'question_notifications',
  {
    questionId: uuid('question_id')
      .notNull()
      .references(() => questions.id),
    tutorId: uuid('tutor_id')
      .notNull()
      .references(() => users.id),
    wave: integer('wave').notNull(),
    notifiedAt: timestamp('notified_at', { withTimezone: true }).notNull(),
    skippedAt: timestamp('skipped_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.questionId, t.tutorId] }), index('question_notifications_tutor_idx').on(t.tutorId, t.notifiedAt)],
);

export const questionEvents = pgTable(
  'question_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    questionId: uuid('question_id')
      .notNull()
      .references(() => questions.id),
    type: text('type').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    data: jsonb('data'),
  },
  (t) => [index('question_events_question_idx').on(t.questionId, t.at)],
);

/** A tutor's instant-help switch and the running figures that rank them. */
export const tutorHelpStats = pgTable('tutor_help_stats', {
  tutorId: uuid('tutor_id')
    .primaryKey()
    .references(() => users.id),
  online: boolean('online').notNull().default(false),
  notifyWhenOffline: boolean('notify_when_offline').notNull().default(false),
  lastNotifiedAt: timestamp('last_notified_at', { withTimezone: true }),
  notifiedCount: integer('notified_count').notNull().default(0),
  acceptedCount: integer('accepted_count').notNull().default(0),
  responseSecondsSum: integer('response_seconds_sum').notNull().default(0),
  ratingSum: integer('rating_sum').notNull().default(0),
  ratingCount: integer('rating_count').notNull().default(0),
});

/** What a tutor earns per answered question, by subject. */
export const helpSubjectRates = pgTable(
  'help_subject_rates',
  {
    subjectId: text('subject_id')
      .notNull()
      .references(() => subjects.id),
    currency: text('currency').notNull(),
    amountMinor: integer('amount_minor').notNull(),
  },
  (t) => [primaryKey({ columns: [t.subjectId, t.currency] })],
);
