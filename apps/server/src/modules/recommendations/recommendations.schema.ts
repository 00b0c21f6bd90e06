import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { bytea } from '../../platform/db/columns';
import { users } from '../identity/identity.schema';

/** recommendations (#17): the tables this module owns. Only this module's *.repo.ts queries them. */

/**
 * Trained models, newest last. A row is written only when training finished, in one statement, so a job killed
 * mid-way leaves the previous model the latest. The bytes are model/ease.ts's serializeModel (checksummed).
 */
export const recommendationModels = pgTable(
  'recommendation_models',
  {
    version: text('version').primaryKey(),
    trainedAt: timestamp('trained_at', { withTimezone: true }).notNull(),
    metrics: jsonb('metrics').$type<Record<string, number>>().notNull(),
    tutors: integer('tutors').notNull(),
    students: integer('students').notNull(),
    interactions: integer('interactions').notNull(),
    /** Positive interactions per tutor in the training window: cold-start popularity and who counts as "new". */
    popularity: jsonb('popularity').$type<Record<string, number>>().notNull(),
    bytes: bytea('bytes').notNull(),
  },
  (t) => [index('recommendation_models_trained_idx').on(t.trainedAt)],
);

/** A student's choices about recommendations: personalisation on or off, and the language they want to be taught in. */
export const recommendationSettings = pgTable('recommendation_settings', {
  studentId: uuid('student_id')
    .primaryKey()
    .references(() => users.id),
  personalised: boolean('personalised').notNull().default(true),
  language: text('language'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

/** A student opened a tutor's profile (one row per student, tutor and day): a view followed by a booking is a signal. */
export const tutorProfileViews = pgTable(
  'tutor_profile_views',
  {
    studentId: uuid('student_id')
      .notNull()
      .references(() => users.id),
    tutorId: uuid('tutor_id')
      .notNull()
      .references(() => users.id),
    day: text('day').notNull(),
    viewedAt: timestamp('viewed_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.studentId, t.tutorId, t.day] }), index('tutor_profile_views_viewed_idx').on(t.viewedAt)],
);

export type RecommendationModelRow = typeof recommendationModels.$inferSelect;
