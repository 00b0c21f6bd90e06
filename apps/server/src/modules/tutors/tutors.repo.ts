import { and, desc, eq, lt, or, sql } from 'drizzle-orm';
import type { TutorSort } from '@tutorline/contracts';
import type { Db, Tx } from '../../platform/db';
import { helpRatingsOf } from '../help';
import { accountsByIds, addToReviewFigures, type DirectoryFilter, type DirectoryKeys, publicTutorKeys, publicTutorListings, setTutorPhotoKey, tutorPhotoKey, tutorSubjectsOf } from '../identity';
import { availabilityPoliciesOf, lockBooking } from '../scheduling';
import { bookingReviews, studentTutorPrefs } from './tutors.schema';
import { relevanceScore } from './tutors.rules';

/**
 * The only code of the tutors module that touches the database. It owns booking_reviews and student_tutor_prefs, and
 * reads everything else through the owners' index.ts (#14, decision 035): public tutors' profiles, subjects, review
 * figures and photo from identity (which also bumps the figures and stores the photo key), instant-help ratings from
 * help, availability policies and the booking being reviewed from scheduling. Search filters in identity's SQL, then
 * joins help's figures and the viewer's favourites here by id, and sorts and pages in memory (a few thousand tutors
 * at most, a few small rows each).
 */
export type PolicyRow = Awaited<ReturnType<typeof availabilityPoliciesOf>>[number];

/** The database filters of a search (availability filters are applied afterwards, in the service). */
export interface SqlFilters extends Omit<DirectoryFilter, 'words' | 'ids'> {
  /** Free text; identity matches each of its words against the name and the bio. */
  q?: string | undefined;
  minRating?: number | undefined;
  /** Only this student's favourites. */
  favouritesOf?: string | undefined;
}

export interface CandidateRow {
  id: string;
  displayName: string;
  bio: string;
  languages: string[];
  timeZone: string;
  hourlyRateMinor: number;
  currency: string;
  photoKey: string | null;
  reviewSum: number;
  reviewCount: number;
  completedSessions: number;
  helpRatingSum: number;
  helpRatingCount: number;
  helpAccepted: number;
  favourite: boolean;
}

type Ranked = DirectoryKeys & { helpRatingSum: number; helpRatingCount: number; helpAccepted: number; favourite: boolean };

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const ratingSum = (r: Ranked) => r.reviewSum + r.helpRatingSum;
const ratingCount = (r: Ranked) => r.reviewCount + r.helpRatingCount;
/** The average over lesson reviews and instant-help ratings, or null without any (sorted last, as SQL's nulls last). */
const average = (r: Ranked) => (ratingCount(r) === 0 ? null : ratingSum(r) / ratingCount(r));

/**
 * The sort's order, ties broken by id: relevance is tutors.rules relevanceScore (the viewer's favourite adds its bonus);
 * recommended is the recommendations module's score for the viewer (tutors without one after), then relevance.
 */
function comparator(sort: TutorSort, recommended?: ReadonlyMap<string, number>): (a: Ranked, b: Ranked) => number {
  const score = (r: Ranked) => relevanceScore({ ratingSum: ratingSum(r), ratingCount: ratingCount(r), sessions: r.completedSessions + r.helpAccepted, favourite: r.favourite });
  switch (sort) {
    case 'rating':
      return (a, b) => {
        const x = average(a);
        const y = average(b);
        if (x !== y) return x === null ? 1 : y === null ? -1 : y - x;
        return ratingCount(b) - ratingCount(a) || byId(a, b);
      };
    case 'price_asc':
      return (a, b) => a.hourlyRateMinor - b.hourlyRateMinor || byId(a, b);
    case 'price_desc':
      return (a, b) => b.hourlyRateMinor - a.hourlyRateMinor || byId(a, b);
    case 'recommended': {
      const rec = (r: Ranked) => recommended?.get(r.id) ?? Number.NEGATIVE_INFINITY;
      return (a, b) => (rec(a) === rec(b) ? 0 : rec(b) > rec(a) ? 1 : -1) || score(b) - score(a) || byId(a, b);
    }
    default:
      return (a, b) => score(b) - score(a) || byId(a, b);
  }
}

/** The recommendations module's score of each of these tutors for the viewer (the TUTOR_RANKING port). */
type RecommendedScores = (tutorIds: string[]) => Promise<ReadonlyMap<string, number>>;

export function createTutorsRepo(db: Db) {
  /** Which of these tutors the student marked as favourite. */
  async function favouritesAmong(studentId: string, ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows = await db
      .select({ tutorId: studentTutorPrefs.tutorId })
      .from(studentTutorPrefs)
      .where(and(eq(studentTutorPrefs.studentId, studentId), eq(studentTutorPrefs.favourite, true), sql`${studentTutorPrefs.tutorId} = any(${sql.param(ids)}::uuid[])`));
    return new Set(rows.map((r) => r.tutorId));
  }

  /** help's figures and the viewer's favourites for these tutors: two batch reads. */
  async function figuresOf(ids: string[], viewerId: string | null) {
    const [help, favs] = await Promise.all([helpRatingsOf(db, ids), viewerId ? favouritesAmong(viewerId, ids) : Promise.resolve(new Set<string>())]);
    return { help: new Map(help.map((h) => [h.tutorId, h])), favs };
  }

  /** Every public tutor matching the filters, in the sort's order: identity filters in SQL, the rest joins here. */
  async function ranked(f: SqlFilters, sort: TutorSort, viewerId: string | null, recommended?: RecommendedScores): Promise<Ranked[]> {
    const words = (f.q ?? '').split(/\s+/).filter(Boolean).slice(0, 8);
    let keys = await publicTutorKeys(db, { subject: f.subject, level: f.level, language: f.language, minPrice: f.minPrice, maxPrice: f.maxPrice, currency: f.currency, words });
    if (f.favouritesOf) {
      const only = await favouritesAmong(f.favouritesOf, keys.map((k) => k.id));
      keys = keys.filter((k) => only.has(k.id));
    }
    const { help, favs } = await figuresOf(keys.map((k) => k.id), viewerId);
    let rows: Ranked[] = keys.map((k) => {
      const h = help.get(k.id);
      return { ...k, helpRatingSum: h?.ratingSum ?? 0, helpRatingCount: h?.ratingCount ?? 0, helpAccepted: h?.acceptedCount ?? 0, favourite: favs.has(k.id) };
    });
    if (f.minRating !== undefined && f.minRating > 0) rows = rows.filter((r) => { const a = average(r); return a !== null && a >= f.minRating!; });
    const scores = sort === 'recommended' && recommended ? await recommended(rows.map((r) => r.id)) : undefined;
    return rows.sort(comparator(sort, scores));
  }

  /** These public tutors, in the order of `ids`. */
  async function findPublicMany(ids: string[], viewerId: string | null): Promise<CandidateRow[]> {
    if (!ids.length) return [];
    const [listings, { help, favs }] = await Promise.all([publicTutorListings(db, ids), figuresOf(ids, viewerId)]);
    const found = new Map(
      listings.map((l): [string, CandidateRow] => {
        const h = help.get(l.id);
        return [l.id, { ...l, helpRatingSum: h?.ratingSum ?? 0, helpRatingCount: h?.ratingCount ?? 0, helpAccepted: h?.acceptedCount ?? 0, favourite: favs.has(l.id) }];
      }),
    );
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  return {
    db,

    /** One page of approved tutors matching the filters, in the sort's order, and the total over all pages. */
    async searchPage(f: SqlFilters, sort: TutorSort, viewerId: string | null, limit: number, offset: number, recommended?: RecommendedScores): Promise<{ rows: CandidateRow[]; total: number }> {
      const all = await ranked(f, sort, viewerId, recommended);
      return { rows: await findPublicMany(all.slice(offset, offset + limit).map((r) => r.id), viewerId), total: all.length };
    },

    /** The ids of every approved tutor matching the filters, in the sort's order: the availability filters' candidates. */
    async searchAllIds(f: SqlFilters, sort: TutorSort, viewerId: string | null, recommended?: RecommendedScores): Promise<string[]> {
      return (await ranked(f, sort, viewerId, recommended)).map((r) => r.id);
    },

    /** Every approved tutor matching the filters, in the sort's order. */
    async searchAll(f: SqlFilters, sort: TutorSort, viewerId: string | null): Promise<CandidateRow[]> {
      return findPublicMany((await ranked(f, sort, viewerId)).map((r) => r.id), viewerId);
    },

    findPublicMany,

    /** One approved tutor (public), or undefined. */
    async findPublic(id: string, viewerId: string | null): Promise<CandidateRow | undefined> {
      return (await findPublicMany([id], viewerId))[0];
    },

    /** Subjects and levels of these tutors, with subject names, in catalogue order (identity's index). */
    subjectsOf: (ids: string[]) => tutorSubjectsOf(db, ids),

    /** The availability policies of these tutors: one query for all of them (scheduling's index). */
    policiesOf: (ids: string[], tx: Db | Tx = db): Promise<PolicyRow[]> => availabilityPoliciesOf(tx, ids),

    // ---------- reviews ----------

    /** A page of the tutor's reviews, newest first, each with its student's name (identity's index, one batch read). */
    async reviewsOf(tutorId: string, limit: number, after: { createdAt: Date; bookingId: string } | null) {
      const rows = await db
        .select({ bookingId: bookingReviews.bookingId, rating: bookingReviews.rating, comment: bookingReviews.comment, createdAt: bookingReviews.createdAt, studentId: bookingReviews.studentId })
        .from(bookingReviews)
        .where(
          and(
            eq(bookingReviews.tutorId, tutorId),
            after
              ? or(lt(bookingReviews.createdAt, after.createdAt), and(eq(bookingReviews.createdAt, after.createdAt), lt(bookingReviews.bookingId, after.bookingId)))
              : undefined,
          ),
        )
        .orderBy(desc(bookingReviews.createdAt), desc(bookingReviews.bookingId))
        .limit(limit);
      const names = new Map((await accountsByIds(db, rows.map((r) => r.studentId))).map((a) => [a.id, a.displayName]));
      return rows.flatMap(({ studentId, ...r }) => {
        const studentName = names.get(studentId);
        return studentName === undefined ? [] : [{ ...r, studentName }];
      });
    },

    /** The booking, locked for this transaction (a review and its figures are written under the lock). */
    lockBooking: (tx: Tx, id: string) => lockBooking(tx, id),

    /** Inserts the review unless the booking has one; undefined when it already had one. */
    async insertReview(tx: Tx, values: typeof bookingReviews.$inferInsert) {
      const [row] = await tx.insert(bookingReviews).values(values).onConflictDoNothing({ target: bookingReviews.bookingId }).returning();
      return row;
    },

    /** The tutor's running review figures are identity's: bumped through its index, in the review's transaction. */
    addToReviewFigures: (tx: Tx, tutorId: string, rating: number) => addToReviewFigures(tx, tutorId, rating),

    // ---------- favourites ----------

    async setFavourite(studentId: string, tutorId: string, favourite: boolean): Promise<void> {
      await db
        .insert(studentTutorPrefs)
        .values({ studentId, tutorId, favourite })
        .onConflictDoUpdate({ target: [studentTutorPrefs.studentId, studentTutorPrefs.tutorId], set: { favourite } });
    },

    // ---------- photo ----------

    /** The photo key is identity's (the tutor profile): read and set through its index. */
    photoKeyOf: (tutorId: string, approvedOnly: boolean) => tutorPhotoKey(db, tutorId, approvedOnly),

    /** Sets the photo; returns the previous key (to delete its files), or undefined when the tutor has no profile. */
    setPhotoKey: (tutorId: string, photoKey: string) => setTutorPhotoKey(db, tutorId, photoKey),
  };
}

export type TutorsRepo = ReturnType<typeof createTutorsRepo>;
