import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../identity/identity.schema';
import { ltiCourses } from './lti.schema';

/** lti: Assignment and Grade Services 2.0 (issue #16). Only lti.ags.repo.ts queries these tables. */

/** The AGS endpoint claim of a course's latest launch: where its line items live and what we may do there. */
export const ltiAgsEndpoints = pgTable('lti_ags_endpoints', {
  courseId: uuid('course_id')
    .primaryKey()
    .references(() => ltiCourses.id, { onDelete: 'cascade' }),
  lineItemsUrl: text('line_items_url').notNull(),
  scopes: jsonb('scopes').$type<string[]>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

/** The platform's line item (its URL) we post a kind of outcome to, per course; found by tag or created once. */
export const ltiAgsLineItems = pgTable(
  'lti_ags_line_items',
  {
    courseId: uuid('course_id')
      .notNull()
      .references(() => ltiCourses.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['lesson', 'class', 'help'] }).notNull(),
    url: text('url').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.kind] })],
);

/** Each outcome once (a lesson completed, a class attended, a question answered and rated), per learner and course. */
export const ltiAgsOutcomes = pgTable(
  'lti_ags_outcomes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    courseId: uuid('course_id')
      .notNull()
      .references(() => ltiCourses.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['lesson', 'class', 'help'] }).notNull(),
    /** The booking, class or question the outcome is about. */
    sourceId: text('source_id').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('lti_ags_outcomes_once').on(t.courseId, t.userId, t.kind, t.sourceId), index('lti_ags_outcomes_user_idx').on(t.userId)],
);

/** The newest score the platform accepted per learner and line item: an older one is never sent over it. */
export const ltiAgsScores = pgTable(
  'lti_ags_scores',
  {
    courseId: uuid('course_id')
      .notNull()
      .references(() => ltiCourses.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['lesson', 'class', 'help'] }).notNull(),
    scoreGiven: integer('score_given').notNull(),
    timestamp: timestamp('timestamp', { withTimezone: true, precision: 3 }).notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.userId, t.kind] })],
);
