import { z } from 'zod';
import { SERIES_WEEKS } from './plain';

/** Scheduled tutoring (issue #6): a tutor's availability policy, slots in the learner's zone, and bookings. */

const localTime = z.string().regex(/^\d{2}:\d{2}$/, 'must be HH:MM');
const timeRange = z.strictObject({ start: localTime, end: localTime });

export const availabilityPolicyBodySchema = z.strictObject({
  /** The tutor's IANA zone; rules and overrides are wall-clock times there. */
  timeZone: z.string().min(1).max(64),
  rules: z.array(timeRange.extend({ weekday: z.number().int().min(1).max(7) })).max(100),
  overrides: z.array(z.strictObject({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'), ranges: z.array(timeRange).max(20) })).max(400),
  durationsMinutes: z.array(z.number().int()).max(3),
  bufferMinutes: z.number().int().min(0).max(240),
  minNoticeMinutes: z.number().int().min(0).max(60 * 24 * 30),
  maxPerDay: z.number().int().min(1).max(48).nullable(),
  horizonDays: z.number().int().min(1).max(365),
  /** Cancelling closer than this to the start is a late cancellation (billing decides what that costs). */
  cancelFreeHours: z.number().int().min(0).max(24 * 14),
});
export type AvailabilityPolicyBody = z.infer<typeof availabilityPolicyBodySchema>;

export const availabilityPolicySchema = availabilityPolicyBodySchema.extend({ updatedAt: z.string().nullable() });
export type AvailabilityPolicyView = z.infer<typeof availabilityPolicySchema>;

const localReading = z.object({ date: z.string(), weekday: z.number(), start: z.string(), end: z.string(), offset: z.string() });

export const learnerSlotSchema = z.object({
  start: z.string(),
  end: z.string(),
  learnerLocal: localReading,
  tutorLocal: localReading,
  dayDifference: z.number(),
});
export type LearnerSlotView = z.infer<typeof learnerSlotSchema>;

export const slotsQuerySchema = z.strictObject({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  duration: z.coerce.number().int(),
  /** The learner's IANA zone; slots carry their readings there. */
  zone: z.string().min(1).max(64),
});

export const slotsSchema = z.object({ tutorId: z.string(), timeZone: z.string(), slots: z.array(learnerSlotSchema) });
export type SlotsView = z.infer<typeof slotsSchema>;

export const bookBodySchema = z.strictObject({
  tutorId: z.uuid('must be an id'),
  start: z.iso.datetime({ offset: true }),
  durationMinutes: z.number().int(),
  /** Chosen by the client per booking attempt; a retry with the same key returns the same booking. */
  idempotencyKey: z.string().min(8).max(100),
  /** What the lesson is in: a subject and level the tutor teaches (optional; the search the learner came from). */
  subject: z.strictObject({ id: z.string().min(1).max(60), level: z.string().min(1).max(60) }).optional(),
  /** The LMS course the learner booked from (a placed "Book tutoring" item, #16): tagged in the booking's transaction. */
  course: z.uuid('must be a course id').optional(),
});
export type BookBody = z.infer<typeof bookBodySchema>;

export const bookingStatuses = ['held', 'confirmed', 'cancelled', 'completed', 'no_show'] as const;
export const bookingOutcomes = ['cancelled', 'late_cancellation', 'hold_expired', 'rescheduled', 'completed', 'tutor_no_show', 'student_no_show', 'both_no_show'] as const;
export const bookingSchema = z.object({
  id: z.string(),
  tutorId: z.string(),
  studentId: z.string(),
  start: z.string(),
  end: z.string(),
  status: z.enum(bookingStatuses),
  createdAt: z.string(),
  cancelledAt: z.string().nullable(),
  cancelledBy: z.string().nullable(),
  /** 'cancelled' (free), 'late_cancellation' (inside the tutor's free-cancellation window), 'hold_expired', 'rescheduled'; null while active. */
  outcome: z.enum(bookingOutcomes).nullable(),
  /** While 'held' (waiting for payment): when the hold lapses. */
  heldUntil: z.string().nullable(),
  confirmedAt: z.string().nullable(),
  /** The price fixed at booking time, in minor units of `currency`. */
  priceMinor: z.number(),
  currency: z.string(),
  seriesId: z.string().nullable(),
  /** The booking this one replaced by a reschedule. */
  rescheduledFrom: z.string().nullable(),
});
export type BookingView = z.infer<typeof bookingSchema>;

/** GET /api/bookings/holds?tutorId=: the caller's bookings with that tutor held for payment and not yet lapsed. */
export const activeHoldsQuerySchema = z.strictObject({ tutorId: z.uuid('must be an id') });
export const activeHoldsSchema = z.object({ holds: z.array(bookingSchema) });
export type ActiveHoldsView = z.infer<typeof activeHoldsSchema>;

/** One side of a lesson as the other side sees it: the tutor's zone is their availability zone (else their own). */
export const lessonPartySchema = z.object({ id: z.string(), displayName: z.string(), timeZone: z.string() });
export type LessonPartyView = z.infer<typeof lessonPartySchema>;

/** GET /api/bookings: each booking with both parties' names and zones, so a lesson card can name the other person. */
export const myBookingSchema = bookingSchema.extend({ tutor: lessonPartySchema, student: lessonPartySchema });
export type MyBookingView = z.infer<typeof myBookingSchema>;

export { SERIES_WEEKS };

export const seriesPreviewQuerySchema = z.strictObject({
  start: z.iso.datetime({ offset: true }),
  duration: z.coerce.number().int(),
  weeks: z.coerce.number().int().min(SERIES_WEEKS.min).max(SERIES_WEEKS.max),
  /** The learner's IANA zone. */
  zone: z.string().min(1).max(64),
});

const localClock = z.object({ date: z.string(), weekday: z.number(), time: z.string(), offset: z.string() });
export const seriesOccurrenceSchema = z.object({
  start: z.string(),
  end: z.string(),
  learnerLocal: localClock,
  tutorLocal: localClock,
  bookable: z.boolean(),
  /** Why it cannot be booked (the slot reasons: too_soon, beyond_horizon, outside_availability, duration_not_offered, day_full, conflict); null when bookable. */
  problem: z.string().nullable(),
});
export const seriesPreviewSchema = z.object({
  tutorId: z.string(),
  tutorTimeZone: z.string(),
  learnerTimeZone: z.string(),
  occurrences: z.array(seriesOccurrenceSchema),
  /** Weeks whose time on the learner's clock differs from the first week's (a daylight-saving change on one side). */
  warnings: z.array(z.object({ start: z.string(), shiftMinutes: z.number(), message: z.string() })),
});
export type SeriesPreviewView = z.infer<typeof seriesPreviewSchema>;

export const bookSeriesBodySchema = z.strictObject({
  tutorId: z.uuid('must be an id'),
  start: z.iso.datetime({ offset: true }),
  durationMinutes: z.number().int(),
  weeks: z.number().int().min(SERIES_WEEKS.min).max(SERIES_WEEKS.max),
  /** Chosen by the client per attempt; each occurrence's key is derived from it, so a retry books nothing twice. */
  idempotencyKey: z.string().min(8).max(90),
  /** The LMS course the series is booked from (#16): every week is tagged with it, like a single booking. */
  course: z.uuid('must be a course id').optional(),
});
export type BookSeriesBody = z.infer<typeof bookSeriesBodySchema>;

export const seriesResultSchema = z.object({
  seriesId: z.string(),
  booked: z.array(bookingSchema),
  skipped: z.array(z.object({ start: z.string(), reason: z.string(), message: z.string() })),
});
export type SeriesResultView = z.infer<typeof seriesResultSchema>;

export const seriesCancelResultSchema = z.object({ seriesId: z.string(), cancelled: z.array(bookingSchema) });

export const rescheduleBodySchema = z.strictObject({
  start: z.iso.datetime({ offset: true }),
  idempotencyKey: z.string().min(8).max(100),
});
export type RescheduleBody = z.infer<typeof rescheduleBodySchema>;

export const calendarFeedSchema = z.object({
  /** The secret feed address; shown once (only a hash of its token is stored). Creating again replaces the old one. */
  url: z.string(),
});
