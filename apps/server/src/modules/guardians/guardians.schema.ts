import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../identity/identity.schema';

/** guardians (issue #20): the tables this module owns. Only this module's *.repo.ts queries them. */

// guardians: a link sent to the guardian contact a student gave (WhatsApp number or email); only its SHA-256 is kept
export const guardianInvites = pgTable(
  'guardian_invites',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    studentId: uuid('student_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    channel: text('channel', { enum: ['whatsapp', 'email'] }).notNull(),
    contact: text('contact').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** The guardian who took it up (the link then stays usable only by them). */
    acceptedBy: uuid('accepted_by').references(() => users.id, { onDelete: 'set null' }),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('guardian_invites_token_key').on(t.tokenHash), index('guardian_invites_student_idx').on(t.studentId)],
);

// guardians: one guardian of one child (a child has at most two, checked under a row lock on the child's links)
export const guardianLinks = pgTable(
  'guardian_links',
  {
    guardianId: uuid('guardian_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    studentId: uuid('student_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    status: text('status', { enum: ['pending', 'consented', 'revoked'] }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.guardianId, t.studentId] }), index('guardian_links_student_idx').on(t.studentId)],
);

// guardians: the evidence of each verifiable consent: method, time, IP, the exact text agreed (versioned), the guardian
export const guardianConsentEvidence = pgTable(
  'guardian_consent_evidence',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    guardianId: uuid('guardian_id')
      .notNull()
      .references(() => users.id),
    studentId: uuid('student_id')
      .notNull()
      .references(() => users.id),
    method: text('method', { enum: ['otp_declaration', 'card_charge'] }).notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    ip: text('ip').notNull(),
    textVersion: text('text_version').notNull(),
    textAgreed: text('text_agreed').notNull(),
    /** otp_declaration: the typed full name and the number the code went to. */
    signedName: text('signed_name'),
    otpPhone: text('otp_phone'),
    /** card_charge: billing's payment id (payments.id) of the refunded card check (decision 086). */
    chargeRef: text('charge_ref'),
  },
  (t) => [
    index('guardian_consent_evidence_student_idx').on(t.studentId, t.at),
    check('guardian_consent_evidence_method', sql`(${t.method} = 'otp_declaration' and ${t.signedName} is not null and ${t.otpPhone} is not null) or (${t.method} = 'card_charge' and ${t.chargeRef} is not null)`),
  ],
);

// guardians: one-time codes sent by WhatsApp to the guardian's number; only the code's hash is kept
export const guardianOtps = pgTable(
  'guardian_otps',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    guardianId: uuid('guardian_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    studentId: uuid('student_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    phone: text('phone').notNull(),
    codeHash: text('code_hash').notNull(),
    attempts: integer('attempts').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [index('guardian_otps_pair_idx').on(t.guardianId, t.studentId, t.createdAt)],
);

// guardians: the limits on one child, set by any of their guardians (the last change wins; each is logged)
export const guardianControls = pgTable('guardian_controls', {
  studentId: uuid('student_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  monthlyLimitMinor: integer('monthly_limit_minor'),
  /** Minutes of the day in the student's zone, [from, to); both null: any time. */
  allowedFromMinute: integer('allowed_from_minute'),
  allowedToMinute: integer('allowed_to_minute'),
  recordingAllowed: boolean('recording_allowed').notNull().default(true),
  updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

// guardians: a card check a guardian started (decision 086): the request's IP and the exact text agreed, kept until
// billing reports the payment (then the evidence is written), its failure, or its refund. Billing owns the money.
export const guardianCardChecks = pgTable(
  'guardian_card_checks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    guardianId: uuid('guardian_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    studentId: uuid('student_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    status: text('status', { enum: ['open', 'consented', 'failed'] }).notNull(),
    ip: text('ip').notNull(),
    textVersion: text('text_version').notNull(),
    textAgreed: text('text_agreed').notNull(),
    signedName: text('signed_name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    /** Billing's checkout, and what it charges (set once billing opened it). */
    checkoutId: uuid('checkout_id'),
    amountMinor: integer('amount_minor'),
    currency: text('currency'),
    /** The payment that recorded the consent, and the evidence written for it. */
    paymentId: uuid('payment_id'),
    evidenceId: uuid('evidence_id').references(() => guardianConsentEvidence.id, { onDelete: 'set null' }),
    settledAt: timestamp('settled_at', { withTimezone: true }),
    /** The refund of the (first) payment, as billing reported it. */
    refundStatus: text('refund_status', { enum: ['requested', 'succeeded', 'failed'] }),
    refundedAt: timestamp('refunded_at', { withTimezone: true }),
  },
  (t) => [index('guardian_card_checks_pair_idx').on(t.guardianId, t.studentId, t.createdAt)],
);

// guardians: each decision on sharing a child's data with third parties (COPPA 2025, a consent apart from the main one):
// given or withdrawn, with the same evidence as consent (method, time, IP, the exact text). The newest row decides.
export const guardianSharingConsents = pgTable(
  'guardian_sharing_consents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    guardianId: uuid('guardian_id')
      .notNull()
      .references(() => users.id),
    studentId: uuid('student_id')
      .notNull()
      .references(() => users.id),
    given: boolean('given').notNull(),
    /** A logged-in guardian whose main consent was verified ticks the box and types their name on the exact text. */
    method: text('method', { enum: ['signed_declaration'] }).notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    ip: text('ip').notNull(),
    textVersion: text('text_version').notNull(),
    textAgreed: text('text_agreed').notNull(),
    signedName: text('signed_name').notNull(),
  },
  (t) => [index('guardian_sharing_consents_student_idx').on(t.studentId, t.at)],
);
