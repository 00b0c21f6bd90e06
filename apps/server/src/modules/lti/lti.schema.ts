import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../identity/identity.schema';

/** lti: the tables this module owns (LTI 1.3, issue #16). Only this module's *.repo.ts queries them. */

/**
 * A platform (LMS) as an admin registered it: its issuer, our client id there, and its endpoints. A launch is
 * identified by issuer, client id and deployment id together (lti_deployments): Canvas uses one issuer for every
 * school and Blackboard one client id, so two registrations may share an issuer and client id.
 */
export const ltiRegistrations = pgTable(
  'lti_registrations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    issuer: text('issuer').notNull(),
    clientId: text('client_id').notNull(),
    authLoginUrl: text('auth_login_url').notNull(),
    accessTokenUrl: text('access_token_url').notNull(),
    keysetUrl: text('keyset_url').notNull(),
    /** 'pending': made by dynamic registration, waiting for an admin; only 'active' ones launch. */
    status: text('status', { enum: ['pending', 'active', 'disabled'] }).notNull(),
    /** Whether the school allows us to keep the email the platform sends (off: we keep no email). */
    shareEmail: boolean('share_email').notNull().default(false),
    /** Per-LMS settings (dialect, the platform's own product family from dynamic registration). */
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('lti_registrations_issuer_idx').on(t.issuer, t.clientId)],
);

/** The deployments of a registration; (issuer, client id, deployment id) names exactly one registration. */
export const ltiDeployments = pgTable(
  'lti_deployments',
  {
    issuer: text('issuer').notNull(),
    clientId: text('client_id').notNull(),
    deploymentId: text('deployment_id').notNull(),
    registrationId: uuid('registration_id')
      .notNull()
      .references(() => ltiRegistrations.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.issuer, t.clientId, t.deploymentId] }), index('lti_deployments_registration_idx').on(t.registrationId)],
);

/**
 * The tool's own RS256 key pairs. The private key is AES-256-GCM encrypted under a key derived from the app's
 * signing secret; `/lti/jwks` publishes 'next' and 'current', and 'retired' ones until `retire_after`.
 */
export const ltiToolKeys = pgTable(
  'lti_tool_keys',
  {
    kid: text('kid').primaryKey(),
    status: text('status', { enum: ['next', 'current', 'retired'] }).notNull(),
    publicJwk: jsonb('public_jwk').$type<Record<string, unknown>>().notNull(),
    privateKeyEnc: text('private_key_enc').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    activatedAt: timestamp('activated_at', { withTimezone: true }),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
    /** A retired key stays published until then, so a platform still holding something it signed can verify it. */
    publishedUntil: timestamp('published_until', { withTimezone: true }),
  },
  (t) => [uniqueIndex('lti_tool_keys_one_current').on(t.status).where(sql`${t.status} = 'current'`), uniqueIndex('lti_tool_keys_one_next').on(t.status).where(sql`${t.status} = 'next'`)],
);

/**
 * One OIDC login initiation: the state (bound to a cookie in the browser) and the nonce we sent. The nonce is
 * consumed once, by one conditional UPDATE, when the launch comes back.
 */
export const ltiLogins = pgTable(
  'lti_logins',
  {
    state: text('state').primaryKey(),
    nonce: text('nonce').notNull(),
    /** The registration whose auth endpoint and keys this login uses (deployments of one platform share them). */
    registrationId: uuid('registration_id')
      .notNull()
      .references(() => ltiRegistrations.id, { onDelete: 'cascade' }),
    issuer: text('issuer').notNull(),
    clientId: text('client_id').notNull(),
    deploymentHint: text('deployment_hint'),
    targetLinkUri: text('target_link_uri').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    consumedAt: timestamp('consumed_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('lti_logins_nonce_key').on(t.nonce), index('lti_logins_expires_idx').on(t.expiresAt)],
);

/** An LTI user (issuer + sub) linked to a Tutorline account. */
export const ltiUsers = pgTable(
  'lti_users',
  {
    issuer: text('issuer').notNull(),
    sub: text('sub').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    registrationId: uuid('registration_id')
      .notNull()
      .references(() => ltiRegistrations.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    lastLaunchAt: timestamp('last_launch_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.issuer, t.sub] }), index('lti_users_user_idx').on(t.userId)],
);

/** A course per registration and LMS context id. */
export const ltiCourses = pgTable(
  'lti_courses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    registrationId: uuid('registration_id')
      .notNull()
      .references(() => ltiRegistrations.id, { onDelete: 'cascade' }),
    contextId: text('context_id').notNull(),
    title: text('title').notNull(),
    label: text('label'),
    /** NRPS: the context memberships URL the platform sent in its last launch (null: it offers no roster). */
    membershipsUrl: text('memberships_url'),
    /** When the roster was last fetched in full (NRPS), so opening the course view does not refetch it every time. */
    rosterSyncedAt: timestamp('roster_synced_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('lti_courses_context_key').on(t.registrationId, t.contextId)],
);

/** Who is in a course, in which course role, as of their last launch (NRPS will keep it fresh later). */
export const ltiCourseMembers = pgTable(
  'lti_course_members',
  {
    courseId: uuid('course_id')
      .notNull()
      .references(() => ltiCourses.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    courseRole: text('course_role', { enum: ['learner', 'staff'] }).notNull(),
    lastLaunchAt: timestamp('last_launch_at', { withTimezone: true }).notNull(),
    /** Set when the roster (NRPS) no longer lists them, or lists them Inactive: they lose the course and what it gives. */
    leftAt: timestamp('left_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.userId] }), index('lti_course_members_user_idx').on(t.userId)],
);

/**
 * A launch whose LTI identity may belong to an account the user already has: kept for a few minutes, and linked
 * when the user logs in and confirms (POST /api/lti/links).
 */
export const ltiPendingLinks = pgTable('lti_pending_links', {
  tokenHash: text('token_hash').primaryKey(),
  issuer: text('issuer').notNull(),
  sub: text('sub').notNull(),
  registrationId: uuid('registration_id')
    .notNull()
    .references(() => ltiRegistrations.id, { onDelete: 'cascade' }),
  courseId: uuid('course_id').references(() => ltiCourses.id, { onDelete: 'cascade' }),
  courseRole: text('course_role', { enum: ['learner', 'staff'] }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  /** What a new account made from this launch ("continue as new") is called, and its email if the school shares it. */
  displayName: text('display_name'),
  email: text('email'),
  /** Where the launch lands once the person has chosen (a placed item's page or the course). */
  landingPath: text('landing_path'),
});

/**
 * A deep-linking request from course staff, waiting for them to pick (lti.deeplink.*.ts): used once, by one
 * conditional UPDATE, so a replayed picker submission answers nothing twice.
 */
export const ltiDeepLinks = pgTable('lti_deep_links', {
  tokenHash: text('token_hash').primaryKey(),
  registrationId: uuid('registration_id')
    .notNull()
    .references(() => ltiRegistrations.id, { onDelete: 'cascade' }),
  deploymentId: text('deployment_id').notNull(),
  courseId: uuid('course_id').references(() => ltiCourses.id, { onDelete: 'cascade' }),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  returnUrl: text('return_url').notNull(),
  data: text('data'),
  acceptMultiple: boolean('accept_multiple').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
});

/** An item course staff placed in a course by deep linking; its launches name it in the custom claim. */
export const ltiPlacedItems = pgTable(
  'lti_placed_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    registrationId: uuid('registration_id')
      .notNull()
      .references(() => ltiRegistrations.id, { onDelete: 'cascade' }),
    courseId: uuid('course_id').references(() => ltiCourses.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['instant', 'book_tutor', 'book_pool', 'class', 'series'] }).notNull(),
    spec: jsonb('spec').$type<Record<string, unknown>>().notNull(),
    title: text('title').notNull(),
    lineItem: jsonb('line_item').$type<{ scoreMaximum: number; label: string } | null>(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('lti_placed_items_course_idx').on(t.courseId)],
);

/** A booking made from a placed "Book tutoring" item, tagged with the course it was made in (lti.course-bookings.ts). */
export const ltiCourseBookings = pgTable(
  'lti_course_bookings',
  {
    bookingId: uuid('booking_id').primaryKey(),
    courseId: uuid('course_id')
      .notNull()
      .references(() => ltiCourses.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    taggedAt: timestamp('tagged_at', { withTimezone: true }).notNull(),
    /** What this booking drew on the course's allowance (lti.allowance.schema.ts): its unit, amount and month; null if none. */
    allowanceUnit: text('allowance_unit', { enum: ['lessons', 'minutes'] }),
    allowanceUsed: integer('allowance_used').notNull().default(0),
    allowanceMonth: text('allowance_month'),
    /** Set when the booking was cancelled: its draw is back in the learner's allowance. */
    allowanceReturnedAt: timestamp('allowance_returned_at', { withTimezone: true }),
  },
  (t) => [index('lti_course_bookings_course_idx').on(t.courseId), index('lti_course_bookings_draws_idx').on(t.courseId, t.userId, t.allowanceMonth)],
);

/**
 * The course roster as the platform's NRPS last listed it: everyone, launched or not (usage is read through lti_users
 * for those who have an account). A member missing from a full fetch is marked inactive, never deleted.
 */
export const ltiRosterEntries = pgTable(
  'lti_roster_entries',
  {
    courseId: uuid('course_id')
      .notNull()
      .references(() => ltiCourses.id, { onDelete: 'cascade' }),
    sub: text('sub').notNull(),
    name: text('name'),
    courseRole: text('course_role', { enum: ['learner', 'staff'] }).notNull(),
    status: text('status', { enum: ['active', 'inactive'] }).notNull(),
    seenAt: timestamp('seen_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.sub] })],
);

/**
 * xAPI statements made for a course's learners (one per session, lesson or class attended), kept as sent to the
 * registration's Learning Record Store. The unique key makes each activity one statement however often the export runs;
 * a send job (the durable outbox) posts it and stamps sent_at.
 */
export const ltiXapiStatements = pgTable(
  'lti_xapi_statements',
  {
    id: uuid('id').primaryKey(),
    registrationId: uuid('registration_id')
      .notNull()
      .references(() => ltiRegistrations.id, { onDelete: 'cascade' }),
    courseId: uuid('course_id')
      .notNull()
      .references(() => ltiCourses.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    activityKind: text('activity_kind', { enum: ['session', 'lesson', 'class'] }).notNull(),
    activityId: text('activity_id').notNull(),
    statement: jsonb('statement').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('lti_xapi_statements_activity_key').on(t.courseId, t.userId, t.activityKind, t.activityId)],
);
