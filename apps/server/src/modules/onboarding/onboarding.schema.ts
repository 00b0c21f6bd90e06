import { bigserial, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../identity/identity.schema';

/** onboarding: the tables this module owns. Only this module's *.repo.ts queries them. */

// onboarding: one tutor's application to teach (#18); its status follows onboarding.rules.ts's transition table
export const tutorApplications = pgTable(
  'tutor_applications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tutorId: uuid('tutor_id')
      .notNull()
      .unique()
      .references(() => users.id, { onDelete: 'cascade' }),
    status: text('status', { enum: ['draft', 'applied', 'under_review', 'needs_info', 'approved', 'rejected'] }).notNull(),
    bio: text('bio').notNull().default(''),
    experience: text('experience').notNull().default(''),
    languages: text('languages').array().notNull(),
    /** What ops asked for when they set needs_info (shown to the tutor), and their message. */
    missing: text('missing').array().notNull(),
    infoRequest: text('info_request'),
    reviewerId: uuid('reviewer_id').references(() => users.id),
    decisionReason: text('decision_reason'),
    /** Bumped on every change; a staff decision may name the version it was made on. */
    version: integer('version').notNull().default(1),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('tutor_applications_status_idx').on(t.status, t.updatedAt)],
);

// onboarding: the subject/levels applied for, each with its sample answer and ops' decision
export const tutorApplicationSubjects = pgTable(
  'tutor_application_subjects',
  {
    applicationId: uuid('application_id')
      .notNull()
      .references(() => tutorApplications.id, { onDelete: 'cascade' }),
    /** The catalogue's subject id (no foreign key: identity owns the catalogue; checked when applied). */
    subjectId: text('subject_id').notNull(),
    level: text('level').notNull(),
    sampleAnswer: text('sample_answer').notNull().default(''),
    decision: text('decision', { enum: ['approved', 'not_approved'] }),
    decisionReason: text('decision_reason'),
  },
  (t) => [primaryKey({ columns: [t.applicationId, t.subjectId, t.level] })],
);

// onboarding: an ID document or proof of qualification, stored privately (a JPEG re-encoded by media, or a checked PDF)
export const tutorApplicationDocuments = pgTable(
  'tutor_application_documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    applicationId: uuid('application_id')
      .notNull()
      .references(() => tutorApplications.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['id_document', 'qualification'] }).notNull(),
    contentType: text('content_type', { enum: ['image/jpeg', 'application/pdf'] }).notNull(),
    /** Our own storage key (never user input); the file is served only through this module's checked routes. */
    storageKey: text('storage_key').notNull(),
    bytes: integer('bytes').notNull(),
    fileName: text('file_name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('tutor_application_documents_app_idx').on(t.applicationId, t.seq)],
);
