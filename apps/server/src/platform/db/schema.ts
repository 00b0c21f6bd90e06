import { sql } from 'drizzle-orm';
import { boolean, date, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

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
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_email_key').on(sql`lower(${t.email})`),
    uniqueIndex('users_phone_key').on(t.phone),
    index('users_role_idx').on(t.role),
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
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
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
  },
  (t) => [index('tutor_profiles_status_idx').on(t.approvalStatus)],
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
