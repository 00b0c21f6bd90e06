import { boolean, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../identity/identity.schema';
import { bookings } from '../scheduling/scheduling.schema';

/** tutors: the tables this module owns. Only this module's *.repo.ts queries them; another module's schema may reference them for a foreign key. */

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
