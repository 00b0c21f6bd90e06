import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, check, customType, date, index, integer, jsonb, numeric, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

/**
 * The one Drizzle schema for every module. Modules own their tables (see the comment on each),
 * and only that module's *.repo.ts touches them.
 */

// identity
export const roleEnum = pgEnum('role', ['student', 'tutor', 'admin']);
export const approvalStatusEnum = pgEnum('approval_status', ['pending', 'approved', 'suspended']);

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    role: roleEnum('role').notNull(),
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    displayName: text('display_name').notNull(),
    phone: text('phone'),
    timeZone: text('time_zone').notNull().default('UTC'),
    birthDate: date('birth_date', { mode: 'string' }),
    guardianContact: text('guardian_contact'),
    guardianConsentAt: timestamp('guardian_consent_at', { withTimezone: true }),
    disabled: boolean('disabled').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('users_email_key').on(sql`lower(${t.email})`),
    uniqueIndex('users_phone_key').on(t.phone),
    index('users_role_idx').on(t.role),
  ],
);

/**
 * Guardian consents for students under 13, recorded by an admin (issue #13.9): who gave it, how, the evidence kept,
 * who recorded it and when. Kept forever; users.guardian_consent_at is the latest one's time.
 */
export const guardianConsents = pgTable(
  'guardian_consents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    studentId: uuid('student_id')
      .notNull()
      .references(() => users.id),
    guardianName: text('guardian_name').notNull(),
    relationship: text('relationship').notNull(),
    contact: text('contact').notNull(),
    method: text('method', { enum: ['paper_form', 'video_call', 'email_reply', 'in_person', 'other'] }).notNull(),
    methodOther: text('method_other'),
    evidence: text('evidence').notNull(),
    recordedBy: uuid('recorded_by')
      .notNull()
      .references(() => users.id),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('guardian_consents_student_idx').on(t.studentId, t.recordedAt),
    check('guardian_consents_method_other', sql`(${t.method} = 'other') = (${t.methodOther} is not null)`),
  ],
);

/** Server-side sessions. The cookie carries a random token; only its SHA-256 is stored. */
export const authSessions = pgTable(
  'auth_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    userAgent: text('user_agent'),
  },
  (t) => [uniqueIndex('auth_sessions_token_hash_key').on(t.tokenHash), index('auth_sessions_user_idx').on(t.userId)],
);

export const subjects = pgTable('subjects', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  levels: text('levels').array().notNull(),
  sortOrder: integer('sort_order').notNull().default(0),
});

export const tutorProfiles = pgTable(
  'tutor_profiles',
  {
    userId: uuid('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    bio: text('bio').notNull().default(''),
    languages: text('languages').array().notNull().default(sql`'{}'::text[]`),
    timeZone: text('time_zone').notNull(),
    hourlyRateMinor: integer('hourly_rate_minor').notNull().default(0),
    currency: text('currency').notNull().default('INR'),
    approvalStatus: approvalStatusEnum('approval_status').notNull().default('pending'),
    approvalChangedAt: timestamp('approval_changed_at', { withTimezone: true }),
    approvalChangedBy: uuid('approval_changed_by').references(() => users.id),
    /** The profile photo's stored file name (media module), or null. */
    photoKey: text('photo_key'),
    /** Running figures for search and the public profile (scheduling keeps them; reviews of booked lessons). */
    reviewSum: integer('review_sum').notNull().default(0),
    reviewCount: integer('review_count').notNull().default(0),
    completedSessions: integer('completed_sessions').notNull().default(0),
  },
  (t) => [index('tutor_profiles_status_idx').on(t.approvalStatus), index('tutor_profiles_rate_idx').on(t.currency, t.hourlyRateMinor)],
);

export const tutorSubjects = pgTable(
  'tutor_subjects',
  {
    tutorId: uuid('tutor_id')
      .notNull()
      .references(() => tutorProfiles.userId, { onDelete: 'cascade' }),
    subjectId: text('subject_id')
      .notNull()
      .references(() => subjects.id),
    level: text('level').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tutorId, t.subjectId, t.level] }), index('tutor_subjects_subject_idx').on(t.subjectId, t.level)],
);

// platform: durable jobs. Enqueued in the same transaction as the change that needs them.
export const jobs = pgTable(
  'jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    queue: text('queue').notNull(),
    payload: jsonb('payload').notNull(),
    /** Unique when set: a second enqueue with the same key is a no-op, forever (not only while pending). */
    dedupeKey: text('dedupe_key'),
    state: text('state', { enum: ['queued', 'running', 'done', 'failed'] }).notNull().default('queued'),
    runAt: timestamp('run_at', { withTimezone: true }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(8),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('jobs_dedupe_key').on(t.dedupeKey),
    index('jobs_due_idx').on(t.runAt).where(sql`state in ('queued', 'running')`),
  ],
);

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
  },
  (t) => [
    uniqueIndex('questions_student_request_key').on(t.studentId, t.requestId),
    index('questions_student_idx').on(t.studentId, t.createdAt),
    index('questions_open_idx').on(t.status).where(sql`status = 'open'`),
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

export const studentTutorPrefs = pgTable(
  'student_tutor_prefs',
  {
    studentId: uuid('student_id')
      .notNull()
      .references(() => users.id),
    tutorId: uuid('tutor_id')
      .notNull()
      .references(() => users.id),
    favourite: boolean('favourite').notNull().default(false),
    blocked: boolean('blocked').notNull().default(false),
    bestRating: integer('best_rating'),
  },
  (t) => [primaryKey({ columns: [t.studentId, t.tutorId] })],
);

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

/** One earning per answered question; the ledger (billing) takes these over. */
export const tutorEarnings = pgTable(
  'tutor_earnings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tutorId: uuid('tutor_id')
      .notNull()
      .references(() => users.id),
    questionId: uuid('question_id').references(() => questions.id),
    kind: text('kind').notNull(),
    amountMinor: integer('amount_minor').notNull(),
    currency: text('currency').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('tutor_earnings_question_key').on(t.questionId), index('tutor_earnings_tutor_idx').on(t.tutorId, t.createdAt)],
);

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
  (t) => [index('call_events_session_idx').on(t.sessionId, t.at)],
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
  (t) => [index('session_together_session_idx').on(t.sessionId), uniqueIndex('session_together_open_key').on(t.sessionId).where(sql`ended_at is null`)],
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
  (t) => [primaryKey({ columns: [t.sessionId, t.raterId] }), index('session_ratings_ratee_idx').on(t.rateeId, t.createdAt), check('session_ratings_stars', sql`${t.stars} between 1 and 5`)],
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

// media: how many files each user uploaded per time window (a rate and a daily quota, shared by every node)
export const uploadCounters = pgTable(
  'upload_counters',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** 'minute' or 'day' */
    window: text('window', { enum: ['minute', 'day'] }).notNull(),
    /** The window's start (UTC). */
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.userId, t.window, t.startsAt] }), index('upload_counters_starts_idx').on(t.startsAt)],
);

// connectivity: the /check self-test's reports, found by a short id a user gives to support
export const connectivityReports = pgTable('connectivity_reports', {
  id: text('id').primaryKey(),
  userId: uuid('user_id').references(() => users.id),
  overall: text('overall', { enum: ['pass', 'warn', 'fail', 'skipped'] }).notNull(),
  results: jsonb('results').$type<Record<string, unknown>>().notNull(),
  ip: text('ip'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

// whatsapp: numbers, their conversations, the durable inbox of provider deliveries and the outbound log

/** One row per WhatsApp number we have heard from (or linked): who it is, its conversation state, its service window. */
export const waContacts = pgTable('wa_contacts', {
  waId: text('wa_id').primaryKey(),
  userId: uuid('user_id').references(() => users.id),
  profileName: text('profile_name'),
  /** The conversation machine's state (modules/whatsapp/whatsapp.rules.ts), as stored JSON. */
  state: jsonb('state').$type<Record<string, unknown>>().notNull().default({ name: 'idle' }),
  stateUpdatedAt: timestamp('state_updated_at', { withTimezone: true }).notNull(),
  /** Bumped on every state change: updates are conditional on it, so two deliveries at once cannot both move the state. */
  version: integer('version').notNull().default(0),
  /** The last message from the user: free-form replies are allowed for 24 hours after it. */
  lastInboundAt: timestamp('last_inbound_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
}, (t) => [uniqueIndex('wa_contacts_user_key').on(t.userId)]);

/**
 * A webhook POST's body exactly as received (the bytes its signature covers), kept when it brought something new or
 * something we could not read; its events are wa_inbox rows pointing here.
 */
export const waDeliveries = pgTable('wa_deliveries', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  provider: text('provider', { enum: ['cloud', 'gupshup'] }).notNull(),
  rawBody: bytea('raw_body').notNull(),
  /** Messages or statuses in it that were malformed and skipped (the rest were stored). */
  skipped: integer('skipped').notNull().default(0),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
});

/** Every provider delivery we accepted, once per provider id (message) or per (id, status): repeats are dropped here. */
export const waInbox = pgTable(
  'wa_inbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    provider: text('provider', { enum: ['cloud', 'gupshup'] }).notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    /** The parsed event, its text cleaned (platform/clean-text.ts) so jsonb can hold it. */
    event: jsonb('event').$type<Record<string, unknown>>().notNull(),
    /** The POST it came in (null for rows stored before deliveries were kept). */
    deliveryId: bigint('delivery_id', { mode: 'number' }).references(() => waDeliveries.id),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('wa_inbox_dedupe_key').on(t.dedupeKey)],
);

/** Messages we send: one row per logical message (idempotency key), with the provider's delivery status. */
export const waMessages = pgTable(
  'wa_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    waId: text('wa_id').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    kind: text('kind').notNull(),
    /** What the message is about (a question id for tutor alerts), to find them again ("already taken"). */
    ref: text('ref'),
    body: jsonb('body').$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: ['queued', 'accepted', 'sent', 'delivered', 'read', 'failed'] }).notNull().default('queued'),
    providerMessageId: text('provider_message_id'),
    attempts: integer('attempts').notNull().default(0),
    error: jsonb('error').$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('wa_messages_idempotency_key').on(t.idempotencyKey),
    uniqueIndex('wa_messages_provider_id_key').on(t.providerMessageId),
    index('wa_messages_failed_idx').on(t.status, t.updatedAt),
    index('wa_messages_ref_idx').on(t.kind, t.ref),
  ],
);

/** One-time codes that link a WhatsApp number to a web account (sent on WhatsApp and typed on the web, or the other way). */
export const waLinkCodes = pgTable(
  'wa_link_codes',
  {
    /**
     * HMAC-SHA256 (under the server's signing secret) of "<origin>:<code>": codes are stored and looked up only as
     * this, so neither the table nor the index's timing says anything about a code. Deleted on use and by a sweep.
     */
    codeHash: text('code_hash').primaryKey(),
    /** 'web': made for a logged-in user, sent from WhatsApp. 'whatsapp': made for a number, typed on the web. */
    origin: text('origin', { enum: ['web', 'whatsapp'] }).notNull(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    waId: text('wa_id'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('wa_link_codes_user_idx').on(t.userId), index('wa_link_codes_wa_idx').on(t.waId), index('wa_link_codes_expires_idx').on(t.expiresAt)],
);

/** Tries at a link code, counted per account, per client IP and per WhatsApp number in fixed windows (shared by every node). */
export const waLinkAttempts = pgTable('wa_link_attempts', {
  /** 'user:<id>', 'ip:<address>' or 'wa:<number>'. */
  key: text('key').primaryKey(),
  windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull(),
  attempts: integer('attempts').notNull(),
});

// identity: log-in links for people who have no password (WhatsApp users joining a session on the web)
export const loginLinks = pgTable('login_links', {
  tokenHash: text('token_hash').primaryKey(),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id),
  redirectPath: text('redirect_path').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  uses: integer('uses').notNull().default(0),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

// identity: failed log-ins, the counters of the log-in limits (shared by every node) and their record
/**
 * One row per failed log-in: the account as typed (lower-cased email, known or not) and the caller's IP, at the time
 * the clock gave. A success from an IP clears that IP's rows for the account (cleared_at) rather than deleting them,
 * so the record stays for its retention period (30 days).
 */
export const failedLogins = pgTable(
  'failed_logins',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    account: text('account').notNull(),
    ip: text('ip').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    clearedAt: timestamp('cleared_at', { withTimezone: true }),
  },
  (t) => [index('failed_logins_account_at_idx').on(t.account, t.at), index('failed_logins_at_idx').on(t.at)],
);

// scheduling: tutors' weekly availability and the bookings made against it (issue #6)
/** One row per tutor; rules and overrides are wall-clock times in time_zone (see scheduling.rules.ts). */
export const availabilityPolicies = pgTable('availability_policies', {
  tutorId: uuid('tutor_id')
    .primaryKey()
    .references(() => users.id),
  timeZone: text('time_zone').notNull(),
  rules: jsonb('rules').$type<{ weekday: 1 | 2 | 3 | 4 | 5 | 6 | 7; start: string; end: string }[]>().notNull(),
  overrides: jsonb('overrides').$type<{ date: string; ranges: { start: string; end: string }[] }[]>().notNull(),
  durations: integer('durations').array().notNull(),
  bufferMinutes: integer('buffer_minutes').notNull(),
  minNoticeMinutes: integer('min_notice_minutes').notNull(),
  maxPerDay: integer('max_per_day'),
  horizonDays: integer('horizon_days').notNull(),
  cancelFreeHours: integer('cancel_free_hours').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

/**
 * A booked lesson. No two non-cancelled bookings of one tutor overlap: an exclusion constraint
 * (bookings_no_overlap, in the custom migration 0005_scheduling_exclusion) guarantees it.
 * status: held (while paying) → confirmed → completed | no_show; or cancelled at any point before the start.
 * outcome records what billing needs: 'cancelled' (free), 'late_cancellation' (inside cancel_free_hours),
 * 'hold_expired', 'rescheduled' (moved to the booking whose rescheduled_from is this one), 'completed',
 * 'tutor_no_show', 'student_no_show', 'both_no_show'.
 */
export const bookingStatusValues = ['held', 'confirmed', 'cancelled', 'completed', 'no_show'] as const;
export const bookingOutcomeValues = ['cancelled', 'late_cancellation', 'hold_expired', 'rescheduled', 'completed', 'tutor_no_show', 'student_no_show', 'both_no_show'] as const;
export const bookings = pgTable(
  'bookings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tutorId: uuid('tutor_id')
      .notNull()
      .references(() => users.id),
    studentId: uuid('student_id')
      .notNull()
      .references(() => users.id),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    status: text('status', { enum: bookingStatusValues }).notNull(),
    heldUntil: timestamp('held_until', { withTimezone: true }),
    idempotencyKey: text('idempotency_key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    cancelledBy: uuid('cancelled_by').references(() => users.id),
    outcome: text('outcome', { enum: bookingOutcomeValues }),
    seriesId: uuid('series_id'),
    /** The booking this one replaced by a reschedule. */
    rescheduledFrom: uuid('rescheduled_from'),
    /** The price at booking time (the tutor's hourly rate × length), in minor units; billing charges it. */
    priceMinor: integer('price_minor').notNull().default(0),
    currency: text('currency').notNull().default('INR'),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    /** When completed or marked a no-show (from the room's events). */
    settledAt: timestamp('settled_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('bookings_student_idempotency_key').on(t.studentId, t.idempotencyKey),
    index('bookings_tutor_starts_idx').on(t.tutorId, t.startsAt),
    index('bookings_student_starts_idx').on(t.studentId, t.startsAt),
    index('bookings_series_idx').on(t.seriesId),
  ],
);

/** A learner's review of a completed booked lesson: at most one per booking, written only by its student. */
export const bookingReviews = pgTable(
  'booking_reviews',
  {
    bookingId: uuid('booking_id')
      .primaryKey()
      .references(() => bookings.id),
    studentId: uuid('student_id')
      .notNull()
      .references(() => users.id),
    tutorId: uuid('tutor_id')
      .notNull()
      .references(() => users.id),
    rating: integer('rating').notNull(),
    comment: text('comment'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('booking_reviews_tutor_idx').on(t.tutorId, t.createdAt)],
);

/** A personal calendar feed (ICS over HTTPS): the URL carries a random token; only its SHA-256 is stored. */
export const calendarFeeds = pgTable('calendar_feeds', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id),
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

// notifications: what the app shows a user (booking made, reminders, …); other channels go through the outbox
export const userNotifications = pgTable(
  'user_notifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    kind: text('kind').notNull(),
    text: text('text').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    /** Unique when set: the same logical notice is shown once (a reminder job retried, say). */
    dedupeKey: text('dedupe_key'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    readAt: timestamp('read_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('user_notifications_dedupe_key').on(t.dedupeKey), index('user_notifications_user_idx').on(t.userId, t.createdAt)],
);

// billing (issue #7): plans and prices, subscriptions as a state machine, the provider webhook inbox, checkouts,
// payments and refunds, the double-entry ledger and tutor payouts. Amounts are integer minor units.

/** What students buy: a monthly subscription with included questions, or a prepaid pack of question credits. */
export const billingPlans = pgTable('billing_plans', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  kind: text('kind', { enum: ['subscription', 'credit_pack'] }).notNull(),
  /** Questions included per period (subscription) or credits granted (pack). */
  questions: integer('questions').notNull(),
  /** Subscriptions only: days of trial before the first charge, and days past_due still allows asking. */
  trialDays: integer('trial_days').notNull().default(0),
  graceDays: integer('grace_days').notNull().default(3),
  active: boolean('active').notNull().default(true),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

export const billingPrices = pgTable(
  'billing_prices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    planId: text('plan_id')
      .notNull()
      .references(() => billingPlans.id),
    currency: text('currency').notNull(),
    amountMinor: integer('amount_minor').notNull(),
    /** The provider's own ids for this price (Stripe price, Razorpay plan), when synced. */
    stripePriceId: text('stripe_price_id'),
    razorpayPlanId: text('razorpay_plan_id'),
    active: boolean('active').notNull().default(true),
  },
  (t) => [uniqueIndex('billing_prices_plan_currency').on(t.planId, t.currency)],
);

export const subscriptionStatusValues = ['incomplete', 'trialing', 'active', 'past_due', 'lapsed', 'canceled', 'refunded'] as const;

/** A student's subscription. One row per student and plan line; a returning student reactivates it. */
export const subscriptions = pgTable(
  'subscriptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    studentId: uuid('student_id')
      .notNull()
      .references(() => users.id),
    planId: text('plan_id')
      .notNull()
      .references(() => billingPlans.id),
    currency: text('currency').notNull(),
    status: text('status', { enum: subscriptionStatusValues }).notNull(),
    cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull().default(false),
    currentPeriodStart: timestamp('current_period_start', { withTimezone: true }),
    currentPeriodEnd: timestamp('current_period_end', { withTimezone: true }),
    /** When past_due began (the grace period runs from here). */
    pastDueSince: timestamp('past_due_since', { withTimezone: true }),
    questionsUsed: integer('questions_used').notNull().default(0),
    provider: text('provider', { enum: ['stripe', 'razorpay', 'fake'] }).notNull(),
    providerSubscriptionId: text('provider_subscription_id'),
    providerCustomerId: text('provider_customer_id'),
    /** The provider's creation time of the newest event applied: older snapshots never move the state back. */
    lastEventAt: timestamp('last_event_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('subscriptions_provider_ref').on(t.provider, t.providerSubscriptionId), index('subscriptions_student_idx').on(t.studentId)],
);

/** Every subscription transition, kept forever. */
export const subscriptionTransitions = pgTable(
  'subscription_transitions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => subscriptions.id),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    event: text('event').notNull(),
    provider: text('provider'),
    providerEventId: text('provider_event_id'),
    at: timestamp('at', { withTimezone: true }).notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('subscription_transitions_sub_idx').on(t.subscriptionId, t.id)],
);

/**
 * The payment webhook inbox: each provider event stored once by (provider, event id), exactly as received,
 * then processed by a durable job. A crash between receiving and processing loses nothing.
 */
export const providerEvents = pgTable(
  'provider_events',
  {
    provider: text('provider', { enum: ['stripe', 'razorpay', 'fake'] }).notNull(),
    eventId: text('event_id').notNull(),
    type: text('type').notNull(),
    /** The provider's own creation time of the event (orders snapshots). */
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    /** The parsed event, every string cleaned (platform/clean-text.ts) so jsonb can hold it. */
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    /** The body's bytes exactly as received: what the signature covers. */
    rawBody: bytea('raw_body').notNull(),
    /**
     * The event's identity read from the signed body (Stripe: its id; Razorpay: type, entity ids, created_at), unique
     * per provider: a body re-posted under another unsigned event-id header is the same event.
     */
    bodyKey: text('body_key'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    deliveries: integer('deliveries').notNull().default(1),
    processedAt: timestamp('processed_at', { withTimezone: true }),
    /** 'applied', 'ignored:<why>', 'rejected:<why>' once processed. */
    outcome: text('outcome'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [
    primaryKey({ columns: [t.provider, t.eventId] }),
    uniqueIndex('provider_events_body_key').on(t.provider, t.bodyKey),
    index('provider_events_pending_idx').on(t.receivedAt).where(sql`processed_at is null`),
  ],
);

/** A checkout we started with a provider: a subscription, a credit pack, or a booked lesson's payment. */
export const checkouts = pgTable(
  'checkouts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    studentId: uuid('student_id')
      .notNull()
      .references(() => users.id),
    purpose: text('purpose', { enum: ['subscription', 'credit_pack', 'booking'] }).notNull(),
    planId: text('plan_id').references(() => billingPlans.id),
    bookingId: uuid('booking_id').references(() => bookings.id),
    currency: text('currency').notNull(),
    amountMinor: integer('amount_minor').notNull(),
    provider: text('provider', { enum: ['stripe', 'razorpay', 'fake'] }).notNull(),
    /** The provider's id for it (Stripe checkout session, Razorpay order or subscription). */
    providerRef: text('provider_ref'),
    status: text('status', { enum: ['open', 'paid', 'failed', 'expired'] }).notNull().default('open'),
    idempotencyKey: text('idempotency_key').notNull(),
    /** Where the payment page sends the student back (own-site URLs, checked when the checkout is made); null: the defaults. */
    successUrl: text('success_url'),
    cancelUrl: text('cancel_url'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('checkouts_student_idempotency_key').on(t.studentId, t.idempotencyKey),
    uniqueIndex('checkouts_provider_ref').on(t.provider, t.providerRef),
    index('checkouts_booking_idx').on(t.bookingId),
  ],
);

/** Money received. One row per provider payment, whatever number of events mention it. */
export const payments = pgTable(
  'payments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    provider: text('provider', { enum: ['stripe', 'razorpay', 'fake'] }).notNull(),
    providerPaymentId: text('provider_payment_id').notNull(),
    studentId: uuid('student_id')
      .notNull()
      .references(() => users.id),
    checkoutId: uuid('checkout_id').references(() => checkouts.id),
    subscriptionId: uuid('subscription_id').references(() => subscriptions.id),
    amountMinor: integer('amount_minor').notNull(),
    currency: text('currency').notNull(),
    refundedMinor: integer('refunded_minor').notNull().default(0),
    status: text('status', { enum: ['succeeded', 'partially_refunded', 'refunded'] }).notNull(),
    paidAt: timestamp('paid_at', { withTimezone: true }).notNull(),
    ledgerTransactionId: uuid('ledger_transaction_id'),
  },
  (t) => [uniqueIndex('payments_provider_ref').on(t.provider, t.providerPaymentId), index('payments_student_idx').on(t.studentId)],
);

export const refunds = pgTable(
  'refunds',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    paymentId: uuid('payment_id')
      .notNull()
      .references(() => payments.id),
    provider: text('provider', { enum: ['stripe', 'razorpay', 'fake'] }).notNull(),
    providerRefundId: text('provider_refund_id'),
    amountMinor: integer('amount_minor').notNull(),
    currency: text('currency').notNull(),
    status: text('status', { enum: ['requested', 'succeeded', 'failed'] }).notNull(),
    reason: text('reason'),
    requestedBy: uuid('requested_by').references(() => users.id),
    /** Sent with the provider request, so a retried refund is one refund. */
    idempotencyKey: text('idempotency_key').notNull().unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    settledAt: timestamp('settled_at', { withTimezone: true }),
    ledgerTransactionId: uuid('ledger_transaction_id'),
  },
  (t) => [uniqueIndex('refunds_provider_ref').on(t.provider, t.providerRefundId), index('refunds_payment_idx').on(t.paymentId)],
);

/**
 * Ledger accounts. code names the account: 'student_wallet:<userId>', 'student_credits:<userId>' (currency 'QST',
 * question credits), 'provider_clearing:<provider>', 'platform_revenue', 'tutor_payable:<userId>', 'payouts_in_transit',
 * 'refunds', 'credits_issued'.
 */
export const ledgerAccounts = pgTable(
  'ledger_accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    code: text('code').notNull(),
    kind: text('kind').notNull(),
    ownerId: uuid('owner_id').references(() => users.id),
    currency: text('currency').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('ledger_accounts_code_currency').on(t.code, t.currency), index('ledger_accounts_owner_idx').on(t.ownerId)],
);

/** One money movement. Append-only (triggers in 0009); a correction is a new transaction that reverses it. */
export const ledgerTransactions = pgTable(
  'ledger_transactions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').notNull(),
    /** What caused it ('payment:stripe:pi_…', 'earning:question:<id>', …): the same cause never posts twice. */
    idempotencyKey: text('idempotency_key').notNull().unique(),
    description: text('description').notNull(),
    reversesId: uuid('reverses_id').unique(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    /**
     * Set when the platform converted an amount to post this transaction (decision 029): the amount in the currency
     * it was set in, the rate applied (entries = fx_from_amount_minor × fx_rate, rounded half up) and where the rate
     * came from. All four or none.
     */
    fxFromCurrency: text('fx_from_currency'),
    fxFromAmountMinor: bigint('fx_from_amount_minor', { mode: 'number' }),
    fxRate: numeric('fx_rate', { precision: 24, scale: 12 }),
    fxSource: text('fx_source'),
  },
  (t) => [
    index('ledger_transactions_occurred_idx').on(t.occurredAt),
    check(
      'ledger_transactions_fx_all_or_none',
      sql`(${t.fxFromCurrency} is null and ${t.fxFromAmountMinor} is null and ${t.fxRate} is null and ${t.fxSource} is null) or (${t.fxFromCurrency} is not null and ${t.fxFromAmountMinor} is not null and ${t.fxRate} > 0 and ${t.fxSource} is not null)`,
    ),
  ],
);

/** Signed amounts: debits positive, credits negative; each transaction's entries sum to zero per currency (0009). */
export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    transactionId: uuid('transaction_id')
      .notNull()
      .references(() => ledgerTransactions.id),
    accountId: uuid('account_id')
      .notNull()
      .references(() => ledgerAccounts.id),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('ledger_entries_account_idx').on(t.accountId, t.id), index('ledger_entries_transaction_idx').on(t.transactionId)],
);

/** A periodic payout run. */
export const payoutRuns = pgTable('payout_runs', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** Earnings posted before this instant are payable in this run (the hold period). */
  cutoffAt: timestamp('cutoff_at', { withTimezone: true }).notNull(),
  status: text('status', { enum: ['running', 'finished'] }).notNull().default('running'),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});

/** One payout per tutor payable and run: (run, tutor, currency) is unique, so a restarted run pays nobody twice. */
export const payouts = pgTable(
  'payouts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    runId: uuid('run_id')
      .notNull()
      .references(() => payoutRuns.id),
    tutorId: uuid('tutor_id')
      .notNull()
      .references(() => users.id),
    currency: text('currency').notNull(),
    amountMinor: integer('amount_minor').notNull(),
    adapter: text('adapter').notNull(),
    status: text('status', { enum: ['pending', 'in_transit', 'paid', 'failed'] }).notNull(),
    providerPayoutId: text('provider_payout_id'),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    failureReason: text('failure_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('payouts_run_tutor_currency').on(t.runId, t.tutorId, t.currency), index('payouts_tutor_idx').on(t.tutorId, t.createdAt)],
);
