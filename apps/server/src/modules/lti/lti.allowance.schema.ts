import { integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../identity/identity.schema';
import { ltiCourses } from './lti.schema';

/**
 * A course's school-paid tutoring (issue #16, decision 068): each active learner of the course may book this many
 * lessons, or lesson-minutes, per calendar month (UTC, by the lesson's start) without paying. Draws are kept on
 * lti_course_bookings (allowance_*), so a cancellation gives its draw back.
 */
export const ltiCourseAllowances = pgTable('lti_course_allowances', {
  courseId: uuid('course_id')
    .primaryKey()
    .references(() => ltiCourses.id, { onDelete: 'cascade' }),
  unit: text('unit', { enum: ['lessons', 'minutes'] }).notNull(),
  /** Per learner per month; 0 turns the allowance off (learners pay as usual). */
  perLearnerMonthly: integer('per_learner_monthly').notNull(),
  setBy: uuid('set_by').references(() => users.id, { onDelete: 'set null' }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});
