import { sql } from 'drizzle-orm';
import { bigserial, boolean, check, date, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/** identity: the tables this module owns. Only this module's *.repo.ts queries them; another module's schema may reference them for a foreign key. */

export const roleEnum = pgEnum('role', ['student', 'tutor', 'admin', 'course_staff', 'guardian']);

/** Staff roles (issue #18); only a staff account (role 'admin') holds any, enforced by a check constraint. */
export const staffRoleEnum = pgEnum('staff_role', ['ops', 'support', 'finance', 'admin']);

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
    /** The interface language (issue #21): a UI language code from contracts' uiLanguageSchema ('en', 'hi'). */
    language: text('language').notNull().default('en'),
    birthDate: date('birth_date', { mode: 'string' }),
    guardianContact: text('guardian_contact'),
    guardianConsentAt: timestamp('guardian_consent_at', { withTimezone: true }),
    /** ISO 3166-1 alpha-2 (students): the consent age's country (guardians.rules); null applies the default, 13. */
    country: text('country'),
    /** A guardian forbade recording this student's camera and microphone (issue #20); mayBeRecorded reads it. */
    recordingForbidden: boolean('recording_forbidden').notNull().default(false),
    /** Who consents for a minor: a school that launched the account from its LMS ('school', issue #16), or null. */
    consentBasis: text('consent_basis', { enum: ['school'] }),
    disabled: boolean('disabled').notNull().default(false),
    staffRoles: staffRoleEnum('staff_roles').array().notNull().default(sql`'{}'::staff_role[]`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('users_email_key').on(sql`lower(${t.email})`),
    uniqueIndex('users_phone_key').on(t.phone),
    index('users_role_idx').on(t.role),
    check('users_staff_roles_only_staff', sql`${t.role} = 'admin' or cardinality(${t.staffRoles}) = 0`),
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
    /** Ops put the tutor on probation (issue #18): kept out of instant help's first waves; the reason is in the audit log. */
    onProbation: boolean('on_probation').notNull().default(false),
    probationChangedAt: timestamp('probation_changed_at', { withTimezone: true }),
    /**
     * Set when onboarding approved the tutor per subject and level (#18): from then on the tutor may drop subjects but not
     * add one; a new subject goes through an application.
     */
    subjectsVetted: boolean('subjects_vetted').notNull().default(false),
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
