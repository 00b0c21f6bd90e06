import { z } from 'zod';
import { timeZoneSchema } from './identity';
import { TUTOR_SEARCH_LIMITS, timesOfDay, tutorSorts } from './plain';

export { TUTOR_SEARCH_LIMITS, timesOfDay, tutorSorts };

/**
 * Tutor discovery (issue #6): public profiles, search, favourites and reviews of booked lessons.
 * Only approved tutors are public; everything else answers 404.
 */

export const timeOfDaySchema = z.enum(timesOfDay);
export type TimeOfDay = z.infer<typeof timeOfDaySchema>;

export const tutorSortSchema = z.enum(tutorSorts);
export type TutorSort = z.infer<typeof tutorSortSchema>;

export const tutorSubjectLevelSchema = z.object({ subjectId: z.string(), subjectName: z.string(), level: z.string() });
export type TutorSubjectLevel = z.infer<typeof tutorSubjectLevelSchema>;

/** The rating shown publicly: booking reviews and instant-help ratings together. */
export const tutorRatingSchema = z.object({
  /** Average out of 5 (one decimal), null before the first rating. */
  average: z.number().nullable(),
  count: z.number().int(),
});

/** One tutor in search results (and in the favourites list). */
export const tutorCardSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  /** URL of the profile photo (GET /api/tutors/:id/photo), or null. */
  photoUrl: z.string().nullable(),
  /** The first part of the bio (at most 200 characters). */
  headline: z.string(),
  subjects: z.array(tutorSubjectLevelSchema),
  languages: z.array(z.string()),
  hourlyRateMinor: z.number().int(),
  currency: z.string(),
  rating: tutorRatingSchema,
  /** Completed booked lessons + answered instant questions. */
  sessions: z.number().int(),
  timeZone: z.string(),
  /** Whether the logged-in student has favourited this tutor (false when logged out). */
  favourite: z.boolean(),
});
export type TutorCard = z.infer<typeof tutorCardSchema>;

export const tutorReviewSchema = z.object({
  bookingId: z.string(),
  rating: z.number().int(),
  comment: z.string().nullable(),
  /** The reviewer's first name only. */
  studentName: z.string(),
  createdAt: z.string(),
});
export type TutorReview = z.infer<typeof tutorReviewSchema>;

export const tutorReviewsPageSchema = z.object({
  reviews: z.array(tutorReviewSchema),
  /** Pass as ?cursor= for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type TutorReviewsPage = z.infer<typeof tutorReviewsPageSchema>;

export const tutorReviewsQuerySchema = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(50).optional(),
});

/** GET /api/tutors/:id: the public profile. */
export const publicTutorSchema = tutorCardSchema.extend({
  bio: z.string(),
  /** The latest reviews (first page of GET /api/tutors/:id/reviews). */
  latestReviews: z.array(tutorReviewSchema),
  reviewsNextCursor: z.string().nullable(),
  /** Lesson lengths the tutor offers, shortest first (empty before they publish availability). */
  durationsMinutes: z.array(z.number().int()),
  /** Cancelling closer than this to the start is a late cancellation; null before they publish availability. */
  cancelFreeHours: z.number().int().nullable(),
  /** The zone their availability is written in (their slots' "tutor time"); null before they publish availability. */
  availabilityTimeZone: z.string().nullable(),
  /** The price of one lesson of each length offered, in minor units of `currency`: what booking it will cost. */
  lessonPrices: z.array(z.object({ durationMinutes: z.number().int(), priceMinor: z.number().int() })),
});
export type PublicTutor = z.infer<typeof publicTutorSchema>;

export const tutorIdParamsSchema = z.strictObject({ id: z.uuid('must be an id') });

const timesOfDayCsv = z
  .string()
  .max(200)
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(timeOfDaySchema).min(1).max(4));

const booleanString = z.enum(['true', 'false']).transform((v) => v === 'true');

/** GET /api/tutors query string. Filters combine with AND. */
export const tutorSearchQuerySchema = z
  .strictObject({
    q: z.string().trim().max(100).optional(),
    subject: z.string().min(1).max(40).optional(),
    level: z.string().min(1).max(40).optional(),
    /** A language name as tutors list it, e.g. "Hindi" (case-insensitive). */
    language: z.string().trim().min(1).max(40).optional(),
    /** Hourly rate bounds in minor units of `currency` (required with either bound). */
    minPrice: z.coerce.number().int().min(0).optional(),
    maxPrice: z.coerce.number().int().min(0).optional(),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be a currency code such as INR').optional(),
    minRating: z.coerce.number().min(0).max(5).optional(),
    /** Has at least one bookable slot in the next N days. */
    availableWithinDays: z.coerce.number().int().min(1).max(TUTOR_SEARCH_LIMITS.maxAvailabilityDays).optional(),
    /** Comma-separated parts of the day in `zone`; with it, a qualifying slot must start in one of them. */
    timesOfDay: timesOfDayCsv.optional(),
    zone: timeZoneSchema.optional(),
    /** Only the logged-in student's favourites. */
    favouritesOnly: booleanString.optional(),
    sort: tutorSortSchema.default('relevance'),
    /** 1-based page number. */
    page: z.coerce.number().int().min(1).max(1000).default(1),
    pageSize: z.coerce.number().int().min(1).max(TUTOR_SEARCH_LIMITS.maxPageSize).default(TUTOR_SEARCH_LIMITS.defaultPageSize),
  })
  .refine((q) => !(q.timesOfDay && !q.zone), { message: 'timesOfDay needs zone (the learner\'s IANA time zone)', path: ['zone'] })
  .refine((q) => (q.minPrice === undefined && q.maxPrice === undefined) || q.currency !== undefined, {
    message: 'minPrice/maxPrice need currency',
    path: ['currency'],
  })
  .refine((q) => q.minPrice === undefined || q.maxPrice === undefined || q.minPrice <= q.maxPrice, {
    message: 'minPrice must not exceed maxPrice',
    path: ['minPrice'],
  });
export type TutorSearchQuery = z.infer<typeof tutorSearchQuerySchema>;
export type TutorSearchQueryInput = z.input<typeof tutorSearchQuerySchema>;

export const tutorSearchResultSchema = z.object({
  tutors: z.array(tutorCardSchema),
  /** Tutors matching all filters (across every page). */
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  /** The next page number, or null on the last page. */
  nextPage: z.number().int().nullable(),
});
export type TutorSearchResult = z.infer<typeof tutorSearchResultSchema>;

/** PUT/DELETE /api/tutors/:id/favourite. */
export const favouriteStateSchema = z.object({ tutorId: z.string(), favourite: z.boolean() });
export type FavouriteState = z.infer<typeof favouriteStateSchema>;

/** GET /api/me/favourites. */
export const favouritesSchema = z.object({ tutors: z.array(tutorCardSchema) });
export type Favourites = z.infer<typeof favouritesSchema>;

/** PUT /api/tutors/me/photo answer. */
export const tutorPhotoSchema = z.object({ photoUrl: z.string(), width: z.number().int(), height: z.number().int() });
export type TutorPhoto = z.infer<typeof tutorPhotoSchema>;

/** POST /api/bookings/:id/review. */
export const reviewBookingBodySchema = z.strictObject({
  rating: z.number().int().min(1, 'rating must be 1 to 5').max(5, 'rating must be 1 to 5'),
  comment: z.string().trim().max(2000).optional(),
});
export type ReviewBookingBody = z.infer<typeof reviewBookingBodySchema>;

export const bookingReviewSchema = z.object({
  bookingId: z.string(),
  tutorId: z.string(),
  rating: z.number().int(),
  comment: z.string().nullable(),
  createdAt: z.string(),
});
export type BookingReviewView = z.infer<typeof bookingReviewSchema>;
