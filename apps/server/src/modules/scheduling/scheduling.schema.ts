import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../identity/identity.schema';

/** scheduling: the tables this module owns. Only this module's *.repo.ts queries them; another module's schema may reference them for a foreign key. */

// scheduling: tutors' weekly availability and the bookings made against it (issue #6)
/** One row per tutor; rules and overrides are wall-clock times in time_zone (see scheduling.rules.ts). */
export const availabilityPolicies = pgTable('availability_policies', {
  tutorId: uuid('tutor_id')
    .primaryKey()
    .references(() => users.id),
  timeZone: text('time_zone').notNull(),
  rules: jsonb('rules').$type<{ weekday: 1 | 2 | 3 | 4 | 5 | 6 | 7; start: string; end: string }[]>().notNull(),
  overrides: jsonb('overrides').$type<{ date: string; ranges: { start: string; end: string }[] }[]>().notNull(),
  durations: integer('durations').array().notNull(),
  bufferMinutes: integer('buffer_minutes').notNull(),
  minNoticeMinutes: integer('min_notice_minutes').notNull(),
  maxPerDay: integer('max_per_day'),
  horizonDays: integer('horizon_days').notNull(),
  cancelFreeHours: integer('cancel_free_hours').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

/**
 * A booked lesson. No two non-cancelled bookings of one tutor overlap: an exclusion constraint
 * (bookings_no_overlap, in the custom migration 0005_scheduling_exclusion) guarantees it.
 * status: held (while paying) → confirmed → completed | no_show; or cancelled at any point before the start.
 * outcome records what billing needs: 'cancelled' (free), 'late_cancellation' (inside cancel_free_hours),
 * 'hold_expired', 'rescheduled' (moved to the booking whose rescheduled_from is this one), 'completed',
 * 'tutor_no_show', 'student_no_show', 'both_no_show'.
 */
export const bookingStatusValues = ['held', 'confirmed', 'cancelled', 'completed', 'no_show'] as const;

export const bookingOutcomeValues = ['cancelled', 'late_cancellation', 'hold_expired', 'rescheduled', 'completed', 'tutor_no_show', 'student_no_show', 'both_no_show'] as const;

export const bookings = pgTable(
  'bookings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tutorId: uuid('tutor_id')
      .notNull()
      .references(() => users.id),
    studentId: uuid('student_id')
      .notNull()
      .references(() => users.id),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    status: text('status', { enum: bookingStatusValues }).notNull(),
    heldUntil: timestamp('held_until', { withTimezone: true }),
    idempotencyKey: text('idempotency_key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    cancelledBy: uuid('cancelled_by').references(() => users.id),
    outcome: text('outcome', { enum: bookingOutcomeValues }),
    seriesId: uuid('series_id'),
    /** What the lesson is in, when the learner booked it for a subject and level the tutor teaches (recommendations learn from it, #17). */
    subjectId: text('subject_id'),
    level: text('level'),
    /** The booking this one replaced by a reschedule. */
    rescheduledFrom: uuid('rescheduled_from'),
    /** The price at booking time (the tutor's hourly rate × length), in minor units; billing charges it. */
    priceMinor: integer('price_minor').notNull().default(0),
    currency: text('currency').notNull().default('INR'),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    /** When completed or marked a no-show (from the room's events). */
    settledAt: timestamp('settled_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('bookings_student_idempotency_key').on(t.studentId, t.idempotencyKey),
    index('bookings_tutor_starts_idx').on(t.tutorId, t.startsAt),
    index('bookings_student_starts_idx').on(t.studentId, t.startsAt),
    index('bookings_series_idx').on(t.seriesId),
    // The ops dashboard (#18): a day's lessons, and the rollups of settlements and late cancellations by when they happened.
    index('bookings_starts_idx').on(t.startsAt),
    index('bookings_settled_idx').on(t.settledAt).where(sql`settled_at is not null`),
    index('bookings_cancelled_idx').on(t.cancelledAt).where(sql`cancelled_at is not null`),
  ],
);

/** A personal calendar feed (ICS over HTTPS): the URL carries a random token; only its SHA-256 is stored. */
export const calendarFeeds = pgTable('calendar_feeds', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id),
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});
