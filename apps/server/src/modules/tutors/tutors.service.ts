import {
  type BookingReviewView,
  type PublicTutor,
  TUTOR_SEARCH_LIMITS,
  type TutorCard,
  type TutorPhoto,
  type TutorReviewsPage,
  type TutorSearchQuery,
  type TutorSearchResult,
} from '@tutorline/contracts';
import type { Clock } from '../../platform/clock';
import { AppError, badRequest, conflict, forbidden, notFound, unauthenticated } from '../../platform/errors';
import type { Logger } from '../../platform/logger';
import * as time from '../../platform/time';
import type { AuthUser } from '../identity';
import { type PhotoService, thumbKeyOf } from '../media';
import { busyIntervals, priceFor, toRulesPolicy } from '../scheduling';
import type { TutorRanking } from './tutors.ports';
import type { CandidateRow, SqlFilters, TutorsRepo } from './tutors.repo';
import { decodeReviewCursor, encodeReviewCursor, hasQualifyingSlot, headlineOf, memoZoneOps, publicRating, reviewerName, searchWindows } from './tutors.rules';

export interface TutorsDeps {
  repo: TutorsRepo;
  photos: PhotoService;
  clock: Clock;
  logger: Logger;
  /** The "Recommended" sort's scores (the recommendations module). */
  ranking: TutorRanking;
}

const DAY_MS = 86_400_000;
const PHOTO_PREFIX = 'tutor-photos';

export const reviewNotCompletedMessage = 'You can review a lesson only after it has taken place (when it is marked completed).';
export const alreadyReviewedMessage = 'You have already reviewed this lesson.';


const photoUrl = (r: { id: string; photoKey: string | null }) => (r.photoKey ? `/api/tutors/${r.id}/photo?v=${encodeURIComponent(r.photoKey.slice(-12, -4))}` : null);

export function createTutorsService(deps: TutorsDeps) {
  const { repo, photos, clock, logger } = deps;

  async function cards(rows: CandidateRow[]): Promise<TutorCard[]> {
    const subjects = await repo.subjectsOf(rows.map((r) => r.id));
    const byTutor = new Map<string, TutorCard['subjects']>();
    for (const s of subjects) {
      const list = byTutor.get(s.tutorId) ?? [];
      list.push({ subjectId: s.subjectId, subjectName: s.subjectName, level: s.level });
      byTutor.set(s.tutorId, list);
    }
    return rows.map((r) => ({
      id: r.id,
      displayName: r.displayName,
      photoUrl: photoUrl(r),
      headline: headlineOf(r.bio),
      subjects: byTutor.get(r.id) ?? [],
      languages: r.languages,
      hourlyRateMinor: r.hourlyRateMinor,
      currency: r.currency,
      rating: publicRating({ reviewSum: r.reviewSum, reviewCount: r.reviewCount, helpRatingSum: r.helpRatingSum, helpRatingCount: r.helpRatingCount }),
      sessions: r.completedSessions + r.helpAccepted,
      timeZone: r.timeZone,
      favourite: r.favourite,
    }));
  }

  /** The viewer whose favourites count (students only; a tutor or admin browsing has none). */
  const viewerOf = (auth: AuthUser | null) => (auth?.role === 'student' ? auth.id : null);

  /**
   * The candidates (ids already filtered and sorted by SQL) that have a qualifying slot. Policies and busy intervals of
   * all candidates are read in two queries; each tutor's slots are then computed with an early exit.
   */
  async function withAvailability(ids: string[], q: TutorSearchQuery): Promise<{ kept: string[]; computeMs: number; readMs: number }> {
    const now = clock.now();
    const days = q.availableWithinDays ?? TUTOR_SEARCH_LIMITS.defaultAvailabilityDays;
    const t0 = performance.now();
    // The window widened by a day each side: daily caps count a whole tutor-local date, buffers see neighbours.
    const from = new Date(now.getTime() - DAY_MS);
    const to = new Date(now.getTime() + (days + 1) * DAY_MS);
    // Busy intervals as scheduling defines them (its index): bookings, live holds and instant sessions, in one batch.
    const [policyRows, busy] = [await repo.policiesOf(ids), await busyIntervals(repo.db, ids, { from, to, now })];
    const t1 = performance.now();
    const policies = new Map(policyRows.map((p) => [p.tutorId, toRulesPolicy(p)]));
    const zones = memoZoneOps(time);
    const windows = searchWindows({ now, days, timesOfDay: q.timesOfDay, zone: q.zone }, zones);
    const kept = ids.filter((id) => {
      const p = policies.get(id);
      return p ? hasQualifyingSlot(p, busy.get(id) ?? [], windows, now, zones) : false;
    });
    return { kept, readMs: t1 - t0, computeMs: performance.now() - t1 };
  }

  async function reviewsPage(tutorId: string, after: { createdAt: Date; bookingId: string } | null, limit: number): Promise<TutorReviewsPage> {
    const rows = await repo.reviewsOf(tutorId, limit + 1, after);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      reviews: page.map((r) => ({ bookingId: r.bookingId, rating: r.rating, comment: r.comment, studentName: reviewerName(r.studentName), createdAt: r.createdAt.toISOString() })),
      nextCursor: rows.length > limit && last ? encodeReviewCursor(last.createdAt, last.bookingId) : null,
    };
  }

  return {
    async search(auth: AuthUser | null, q: TutorSearchQuery): Promise<TutorSearchResult> {
      if (q.zone && !time.isValidTimeZone(q.zone)) throw badRequest('zone must be an IANA time zone, like America/New_York.', [{ path: 'zone', message: 'is not a known time zone' }]);
      if (q.favouritesOnly) {
        if (!auth) throw unauthenticated('Please log in to see your favourite tutors.');
        if (auth.role !== 'student') throw forbidden('Only students keep favourite tutors.');
      }
      const viewerId = viewerOf(auth);
      const filters: SqlFilters = {
        q: q.q,
        subject: q.subject,
        level: q.level,
        language: q.language,
        minPrice: q.minPrice,
        maxPrice: q.maxPrice,
        currency: q.currency,
        minRating: q.minRating,
        favouritesOf: q.favouritesOnly ? viewerId ?? undefined : undefined,
      };
      const offset = (q.page - 1) * q.pageSize;
      // Recommended is a student's own ranking; anyone else gets relevance.
      const sort = q.sort === 'recommended' && auth?.role !== 'student' ? 'relevance' : q.sort;
      const recommended = sort === 'recommended' && auth ? (ids: string[]) => deps.ranking.scores(auth.id, ids) : undefined;
      const needsSlots = q.availableWithinDays !== undefined || (q.timesOfDay?.length ?? 0) > 0;
      let rows: CandidateRow[];
      let total: number;
      if (!needsSlots) {
        ({ rows, total } = await repo.searchPage(filters, sort, viewerId, q.pageSize, offset, recommended));
      } else {
        const started = performance.now();
        const candidates = await repo.searchAllIds(filters, sort, viewerId, recommended);
        const { kept, readMs, computeMs } = await withAvailability(candidates, q);
        total = kept.length;
        rows = await repo.findPublicMany(kept.slice(offset, offset + q.pageSize), viewerId);
        logger.debug({ event: 'tutor_search_availability', candidates: candidates.length, kept: total, readMs: Math.round(readMs), computeMs: Math.round(computeMs), totalMs: Math.round(performance.now() - started) }, 'availability filter');
      }
      return { tutors: await cards(rows), total, page: q.page, pageSize: q.pageSize, nextPage: offset + rows.length < total ? q.page + 1 : null };
    },

    async profile(auth: AuthUser | null, tutorId: string): Promise<PublicTutor> {
      const row = await repo.findPublic(tutorId, viewerOf(auth));
      if (!row) throw notFound('That tutor');
      const [[card], first, [policy]] = await Promise.all([cards([row]), reviewsPage(tutorId, null, TUTOR_SEARCH_LIMITS.reviewsPageSize), repo.policiesOf([tutorId])]);
      const durations = policy ? [...policy.durations].sort((a, b) => a - b) : [];
      return {
        ...card!,
        bio: row.bio,
        latestReviews: first.reviews,
        reviewsNextCursor: first.nextCursor,
        // What the tutor offers, so the slot picker asks only for these lengths and cancelling can warn exactly.
        durationsMinutes: durations,
        cancelFreeHours: policy?.cancelFreeHours ?? null,
        availabilityTimeZone: policy?.timeZone ?? null,
        // Priced by the same rule as a booking, so the price shown before Book is the price charged.
        lessonPrices: durations.map((durationMinutes) => ({ durationMinutes, priceMinor: priceFor(card!.hourlyRateMinor, durationMinutes) })),
      };
    },

    async reviews(tutorId: string, cursor: string | undefined, limit: number = TUTOR_SEARCH_LIMITS.reviewsPageSize): Promise<TutorReviewsPage> {
      const after = cursor ? decodeReviewCursor(cursor) : null;
      if (cursor && !after) throw badRequest('That page link is not valid; start from the first page.', [{ path: 'cursor', message: 'is not a valid cursor' }]);
      if (!(await repo.findPublic(tutorId, null))) throw notFound('That tutor');
      return reviewsPage(tutorId, after, limit);
    },

    async favourites(caller: AuthUser): Promise<TutorCard[]> {
      return cards(await repo.searchAll({ favouritesOf: caller.id }, 'relevance', caller.id));
    },

    async setFavourite(caller: AuthUser, tutorId: string, favourite: boolean): Promise<{ tutorId: string; favourite: boolean }> {
      // Un-favouriting works even after the tutor stopped being public; favouriting needs a public tutor.
      if (favourite && !(await repo.findPublic(tutorId, null))) throw notFound('That tutor');
      await repo.setFavourite(caller.id, tutorId, favourite);
      logger.info({ event: favourite ? 'tutor_favourited' : 'tutor_unfavourited', studentId: caller.id, tutorId }, favourite ? 'tutor favourited' : 'tutor unfavourited');
      return { tutorId, favourite };
    },

    async uploadPhoto(caller: AuthUser, data: Buffer): Promise<TutorPhoto> {
      const stored = await photos.storePhoto(data, PHOTO_PREFIX, caller.id);
      const set = await repo.setPhotoKey(caller.id, stored.key);
      if (!set) {
        await photos.remove(stored);
        throw notFound('Your tutor profile');
      }
      if (set.previous) await photos.remove({ key: set.previous, thumbKey: thumbKeyOf(set.previous) }).catch(() => {});
      logger.info({ event: 'tutor_photo_updated', tutorId: caller.id, bytes: stored.bytes, width: stored.width, height: stored.height }, 'tutor photo updated');
      return { photoUrl: photoUrl({ id: caller.id, photoKey: stored.key })!, width: stored.width, height: stored.height };
    },

    /** The photo of a public tutor (or the caller's own, before approval). */
    async readPhoto(auth: AuthUser | null, tutorId: string, size: 'full' | 'thumb'): Promise<Buffer> {
      const row = await repo.photoKeyOf(tutorId, !(auth && (auth.id === tutorId || auth.role === 'admin')));
      if (!row?.photoKey) throw notFound('That photo');
      const data = await photos.read(size === 'thumb' ? thumbKeyOf(row.photoKey) : row.photoKey).catch(() => null);
      if (!data) throw notFound('That photo');
      return data;
    },

    /**
     * The booking's student reviews a completed lesson, once. The booking row is locked while the review and the
     * tutor's running figures are written, in one transaction; the primary key on booking_id settles any race.
     */
    async reviewBooking(caller: AuthUser, bookingId: string, body: { rating: number; comment?: string | undefined }): Promise<BookingReviewView> {
      const now = clock.now();
      const review = await repo.db.transaction(async (tx) => {
        const booking = await repo.lockBooking(tx, bookingId);
        if (!booking || booking.studentId !== caller.id) throw notFound('That booking');
        if (booking.status !== 'completed') throw new AppError(409, 'conflict', reviewNotCompletedMessage, { status: booking.status });
        const row = await repo.insertReview(tx, { bookingId, studentId: caller.id, tutorId: booking.tutorId, rating: body.rating, comment: body.comment || null, createdAt: now });
        if (!row) throw conflict(alreadyReviewedMessage);
        await repo.addToReviewFigures(tx, booking.tutorId, body.rating);
        return row;
      });
      logger.info({ event: 'booking_reviewed', bookingId, tutorId: review.tutorId, studentId: caller.id, rating: review.rating }, 'booking reviewed');
      return { bookingId: review.bookingId, tutorId: review.tutorId, rating: review.rating, comment: review.comment, createdAt: review.createdAt.toISOString() };
    },
  };
}


export type TutorsService = ReturnType<typeof createTutorsService>;
