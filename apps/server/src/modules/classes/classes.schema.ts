import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../identity/identity.schema';

/** classes: the tables this module owns (issue #15). Only this module's *.repo.ts queries them. */

export const classStatusValues = ['scheduled', 'cancelled', 'completed', 'tutor_no_show'] as const;
/** held: a seat kept while its payment is made (counts against capacity until it lapses: expired). */
export const enrolmentStatusValues = ['held', 'enrolled', 'left', 'refunded', 'expired'] as const;

/**
 * A group class. `enrolled_count` is the seat counter every enrolment moves with one conditional UPDATE; the CHECK
 * (`enrolled_count between 0 and capacity`) makes the database refuse a 31st learner in a class of 30 whatever the code does.
 * status: scheduled → completed | tutor_no_show (by the sweep) | cancelled (by the tutor, before the start).
 */
export const classes = pgTable(
  'classes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tutorId: uuid('tutor_id')
      .notNull()
      .references(() => users.id),
    subjectId: text('subject_id').notNull(),
    level: text('level').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull(),
    language: text('language').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    /** The tutor's zone when they made it (the wall-clock time they typed was in it). */
    timeZone: text('time_zone').notNull(),
    capacity: integer('capacity').notNull(),
    enrolledCount: integer('enrolled_count').notNull().default(0),
    priceMinor: integer('price_minor').notNull(),
    currency: text('currency').notNull(),
    lobby: boolean('lobby').notNull().default(false),
    status: text('status', { enum: classStatusValues }).notNull(),
    seriesId: uuid('series_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    settledAt: timestamp('settled_at', { withTimezone: true }),
    /** The tutor's first join of the room (recordAttendance): the sweep's evidence that the class was taught. */
    tutorJoinedAt: timestamp('tutor_joined_at', { withTimezone: true }),
  },
  (t) => [
    check('classes_capacity', sql`${t.capacity} between 1 and 30`),
    check('classes_seats', sql`${t.enrolledCount} between 0 and ${t.capacity}`),
    check('classes_times', sql`${t.endsAt} > ${t.startsAt}`),
    index('classes_starts_idx').on(t.startsAt),
    index('classes_tutor_starts_idx').on(t.tutorId, t.startsAt),
    index('classes_status_ends_idx').on(t.status, t.endsAt),
    // The ops dashboard's rollups (#18): settlements and cancellations by when they happened.
    index('classes_settled_idx').on(t.settledAt).where(sql`settled_at is not null`),
    index('classes_cancelled_idx').on(t.cancelledAt).where(sql`cancelled_at is not null`),
  ],
);

/** A learner's seat in a class. At most one live ('held' or 'enrolled') row per learner and class: a partial unique index. */
export const classEnrolments = pgTable(
  'class_enrolments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    classId: uuid('class_id')
      .notNull()
      .references(() => classes.id),
    studentId: uuid('student_id')
      .notNull()
      .references(() => users.id),
    status: text('status', { enum: enrolmentStatusValues }).notNull(),
    enrolledAt: timestamp('enrolled_at', { withTimezone: true }).notNull(),
    /** Until when a held seat waits for its payment. */
    heldUntil: timestamp('held_until', { withTimezone: true }),
    /** When a held seat's payment confirmed it. */
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    leftAt: timestamp('left_at', { withTimezone: true }),
    /** The LMS course the learner enrolled from (a placed class or series item, #16): the lti module owns courses, so no foreign key. */
    courseId: uuid('course_id'),
  },
  (t) => [
    index('class_enrolments_course_idx').on(t.courseId).where(sql`course_id is not null`),
    uniqueIndex('class_enrolments_one_live').on(t.classId, t.studentId).where(sql`${t.status} in ('held', 'enrolled')`),
    index('class_enrolments_held_idx').on(t.heldUntil).where(sql`${t.status} = 'held'`),
    index('class_enrolments_student_idx').on(t.studentId),
  ],
);

/** Joins and leaves of a class's room, one row each (a learner may come and go many times). */
export const classAttendance = pgTable(
  'class_attendance',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    classId: uuid('class_id')
      .notNull()
      .references(() => classes.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    kind: text('kind', { enum: ['join', 'leave'] }).notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [index('class_attendance_class_idx').on(t.classId, t.userId, t.at)],
);
