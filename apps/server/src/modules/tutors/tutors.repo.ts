import { and, type AnyColumn, asc, desc, eq, gt, inArray, lt, ne, or, type SQL, sql } from 'drizzle-orm';
import type { TutorSort } from '@tutorline/contracts';
import type { Db, Tx } from '../../platform/db';
// eslint-disable-next-line no-restricted-imports -- TODO(#14): table ownership; being moved behind the owner's index.ts
import { tutorHelpStats } from '../help/help.schema';
// eslint-disable-next-line no-restricted-imports -- TODO(#14): table ownership; being moved behind the owner's index.ts
import { subjects, tutorProfiles, tutorSubjects, users } from '../identity/identity.schema';
// eslint-disable-next-line no-restricted-imports -- TODO(#14): table ownership; being moved behind the owner's index.ts
import { tutoringSessions } from '../rooms/rooms.schema';
// eslint-disable-next-line no-restricted-imports -- TODO(#14): table ownership; being moved behind the owner's index.ts
import { availabilityPolicies, bookings } from '../scheduling/scheduling.schema';
import { bookingReviews, studentTutorPrefs } from './tutors.schema';
import { RELEVANCE } from './tutors.rules';

/**
 * The only code of the tutors module that touches the database. It reads the public tutor tables (users,
 * tutor_profiles, tutor_subjects, subjects, tutor_help_stats), availability policies and bookings (read-only, for the
 * availability filters), and writes booking_reviews, tutor_profiles' review figures and photo_key, and
 * student_tutor_prefs.favourite.
 */
export type PolicyRow = typeof availabilityPolicies.$inferSelect;
export type BookingRow = typeof bookings.$inferSelect;

/** The database filters of a search (availability filters are applied afterwards, in the service). */
export interface SqlFilters {
  q?: string | undefined;
  subject?: string | undefined;
  level?: string | undefined;
  language?: string | undefined;
  minPrice?: number | undefined;
  maxPrice?: number | undefined;
  currency?: string | undefined;
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

/** `column = any($1::uuid[])`: one array parameter for a thousand ids, instead of a thousand parameters. */
const anyId = (column: SQL | AnyColumn, ids: string[]) => sql`${column} = any(${sql.param(ids)}::uuid[])`;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

const helpRatingSum = sql<number>`coalesce(${tutorHelpStats.ratingSum}, 0)`;
const helpRatingCount = sql<number>`coalesce(${tutorHelpStats.ratingCount}, 0)`;
const helpAccepted = sql<number>`coalesce(${tutorHelpStats.acceptedCount}, 0)`;
const ratingSumSql = sql`(${tutorProfiles.reviewSum} + coalesce(${tutorHelpStats.ratingSum}, 0))`;
const ratingCountSql = sql`(${tutorProfiles.reviewCount} + coalesce(${tutorHelpStats.ratingCount}, 0))`;
const averageSql = sql`(${ratingSumSql}::float8 / nullif(${ratingCountSql}, 0))`;
const sessionsSql = sql`(${tutorProfiles.completedSessions} + coalesce(${tutorHelpStats.acceptedCount}, 0))`;

/** relevanceScore (tutors.rules.ts) in SQL; the caller's favourite adds the bonus. */
function relevanceSql(favourite: SQL): SQL {
  const { PRIOR_MEAN, PRIOR_WEIGHT, SESSIONS_WEIGHT, FAVOURITE_BONUS } = RELEVANCE;
  return sql`((${sql.raw(String(PRIOR_MEAN * PRIOR_WEIGHT))} + ${ratingSumSql})::float8 / (${sql.raw(String(PRIOR_WEIGHT))} + ${ratingCountSql})
    + ${sql.raw(String(SESSIONS_WEIGHT))} * ln(1 + ${sessionsSql}) + case when ${favourite} then ${sql.raw(String(FAVOURITE_BONUS))} else 0 end)`;
}

function orderBy(sort: TutorSort, favourite: SQL): SQL[] {
  switch (sort) {
    case 'rating':
      return [sql`${averageSql} desc nulls last`, sql`${ratingCountSql} desc`, asc(users.id)];
    case 'price_asc':
      return [asc(tutorProfiles.hourlyRateMinor), asc(users.id)];
    case 'price_desc':
      return [desc(tutorProfiles.hourlyRateMinor), asc(users.id)];
    default:
      return [sql`${relevanceSql(favourite)} desc`, asc(users.id)];
  }
}

export function createTutorsRepo(db: Db) {
  /** The caller's favourite flag as SQL (false for a visitor). */
  const favouriteSql = (viewerId: string | null): SQL =>
    viewerId
      ? sql`exists (select 1 from ${studentTutorPrefs} p where p.student_id = ${viewerId} and p.tutor_id = ${users.id} and p.favourite)`
      : sql`false`;

  function whereOf(f: SqlFilters): SQL {
    const parts: (SQL | undefined)[] = [eq(tutorProfiles.approvalStatus, 'approved'), eq(users.role, 'tutor'), eq(users.disabled, false)];
    if (f.subject || f.level) {
      parts.push(
        sql`exists (select 1 from ${tutorSubjects} ts where ts.tutor_id = ${users.id}${f.subject ? sql` and ts.subject_id = ${f.subject}` : sql``}${f.level ? sql` and ts.level = ${f.level}` : sql``})`,
      );
    }
    if (f.language) parts.push(sql`exists (select 1 from unnest(${tutorProfiles.languages}) l where lower(l) = lower(${f.language}))`);
    if (f.currency) parts.push(eq(tutorProfiles.currency, f.currency));
    if (f.minPrice !== undefined) parts.push(sql`${tutorProfiles.hourlyRateMinor} >= ${f.minPrice}`);
    if (f.maxPrice !== undefined) parts.push(sql`${tutorProfiles.hourlyRateMinor} <= ${f.maxPrice}`);
    if (f.minRating !== undefined && f.minRating > 0) parts.push(sql`${averageSql} >= ${f.minRating}`);
    if (f.favouritesOf) parts.push(sql`exists (select 1 from ${studentTutorPrefs} fp where fp.student_id = ${f.favouritesOf} and fp.tutor_id = ${users.id} and fp.favourite)`);
    // Free text: every word must appear in the name or the bio.
    for (const word of (f.q ?? '').split(/\s+/).filter(Boolean).slice(0, 8)) {
      const pattern = `%${escapeLike(word)}%`;
      parts.push(sql`(${users.displayName} ilike ${pattern} or ${tutorProfiles.bio} ilike ${pattern})`);
    }
    return and(...parts)!;
  }

  const candidateFields = (viewerId: string | null) => ({
    id: users.id,
    displayName: users.displayName,
    bio: tutorProfiles.bio,
    languages: tutorProfiles.languages,
    timeZone: tutorProfiles.timeZone,
    hourlyRateMinor: tutorProfiles.hourlyRateMinor,
    currency: tutorProfiles.currency,
    photoKey: tutorProfiles.photoKey,
    reviewSum: tutorProfiles.reviewSum,
    reviewCount: tutorProfiles.reviewCount,
    completedSessions: tutorProfiles.completedSessions,
    helpRatingSum,
    helpRatingCount,
    helpAccepted,
    favourite: sql<boolean>`${favouriteSql(viewerId)}`,
  });

  const normalise = (r: CandidateRow): CandidateRow => ({
    ...r,
    helpRatingSum: Number(r.helpRatingSum),
    helpRatingCount: Number(r.helpRatingCount),
    helpAccepted: Number(r.helpAccepted),
    favourite: Boolean(r.favourite),
  });

  return {
    db,

    /** One page of approved tutors matching the filters, in the sort's order, and the total over all pages. */
    async searchPage(f: SqlFilters, sort: TutorSort, viewerId: string | null, limit: number, offset: number): Promise<{ rows: CandidateRow[]; total: number }> {
      const where = whereOf(f);
      const rows = await db
        .select({ ...candidateFields(viewerId), total: sql<number>`count(*) over ()` })
        .from(users)
        .innerJoin(tutorProfiles, eq(tutorProfiles.userId, users.id))
        .leftJoin(tutorHelpStats, eq(tutorHelpStats.tutorId, users.id))
        .where(where)
        .orderBy(...orderBy(sort, favouriteSql(viewerId)))
        .limit(limit)
        .offset(offset);
      let total = rows.length ? Number(rows[0]!.total) : 0;
      if (!rows.length && offset > 0) {
        const [c] = await db
          .select({ n: sql<number>`count(*)` })
          .from(users)
          .innerJoin(tutorProfiles, eq(tutorProfiles.userId, users.id))
          .leftJoin(tutorHelpStats, eq(tutorHelpStats.tutorId, users.id))
          .where(where);
        total = Number(c?.n ?? 0);
      }
      return { rows: rows.map(({ total: _t, ...r }) => normalise(r)), total };
    },

    /** The ids of every approved tutor matching the filters, in the sort's order: the availability filters' candidates. */
    async searchAllIds(f: SqlFilters, sort: TutorSort, viewerId: string | null): Promise<string[]> {
      const rows = await db
        .select({ id: users.id })
        .from(users)
        .innerJoin(tutorProfiles, eq(tutorProfiles.userId, users.id))
        .leftJoin(tutorHelpStats, eq(tutorHelpStats.tutorId, users.id))
        .where(whereOf(f))
        .orderBy(...orderBy(sort, favouriteSql(viewerId)));
      return rows.map((r) => r.id);
    },

    /** Every approved tutor matching the filters, in the sort's order. */
    async searchAll(f: SqlFilters, sort: TutorSort, viewerId: string | null): Promise<CandidateRow[]> {
      const rows = await db
        .select(candidateFields(viewerId))
        .from(users)
        .innerJoin(tutorProfiles, eq(tutorProfiles.userId, users.id))
        .leftJoin(tutorHelpStats, eq(tutorHelpStats.tutorId, users.id))
        .where(whereOf(f))
        .orderBy(...orderBy(sort, favouriteSql(viewerId)));
      return rows.map(normalise);
    },

    /** These approved tutors, in the order of `ids`. */
    async findPublicMany(ids: string[], viewerId: string | null): Promise<CandidateRow[]> {
      if (!ids.length) return [];
      const rows = await db
        .select(candidateFields(viewerId))
        .from(users)
        .innerJoin(tutorProfiles, eq(tutorProfiles.userId, users.id))
        .leftJoin(tutorHelpStats, eq(tutorHelpStats.tutorId, users.id))
        .where(and(whereOf({}), anyId(users.id, ids)));
      const byId = new Map(rows.map((r) => [r.id, normalise(r)]));
      return ids.flatMap((id) => byId.get(id) ?? []);
    },

    /** One approved tutor (public), or undefined. */
    async findPublic(id: string, viewerId: string | null): Promise<CandidateRow | undefined> {
      const [row] = await db
        .select(candidateFields(viewerId))
        .from(users)
        .innerJoin(tutorProfiles, eq(tutorProfiles.userId, users.id))
        .leftJoin(tutorHelpStats, eq(tutorHelpStats.tutorId, users.id))
        .where(and(whereOf({}), eq(users.id, id)))
        .limit(1);
      return row ? normalise(row) : undefined;
    },

    /** Subjects and levels of these tutors, with subject names, in catalogue order. */
    async subjectsOf(ids: string[]): Promise<{ tutorId: string; subjectId: string; subjectName: string; level: string }[]> {
      if (!ids.length) return [];
      return db
        .select({ tutorId: tutorSubjects.tutorId, subjectId: tutorSubjects.subjectId, subjectName: subjects.name, level: tutorSubjects.level })
        .from(tutorSubjects)
        .innerJoin(subjects, eq(subjects.id, tutorSubjects.subjectId))
        .where(inArray(tutorSubjects.tutorId, ids))
        .orderBy(asc(subjects.sortOrder), asc(subjects.id), asc(tutorSubjects.level));
    },

    /** The availability policies of these tutors: one query for all of them. */
    async policiesOf(ids: string[], tx: Db | Tx = db): Promise<PolicyRow[]> {
      if (!ids.length) return [];
      return tx.select().from(availabilityPolicies).where(anyId(availabilityPolicies.tutorId, ids));
    },

    /**
     * What keeps these tutors busy in [from, to): their non-cancelled bookings there (expired holds included; the
     * service drops them), and their instant sessions in progress (kind 'instant'): one query for all of them.
     */
    async busyOf(ids: string[], from: Date, to: Date, tx: Db | Tx = db): Promise<{ tutorId: string; kind: 'booking' | 'instant'; startsAt: Date; endsAt: Date | null; status: string; heldUntil: Date | null }[]> {
      if (!ids.length) return [];
      const rows = await tx
        .select({
          tutorId: bookings.tutorId,
          startsAt: sql<Date | string>`${bookings.startsAt}`,
          endsAt: sql<Date | string | null>`${bookings.endsAt}`,
          status: sql<string>`${bookings.status}`,
          heldUntil: sql<Date | string | null>`${bookings.heldUntil}`,
        })
        .from(bookings)
        .where(and(anyId(bookings.tutorId, ids), ne(bookings.status, 'cancelled'), lt(bookings.startsAt, to), gt(bookings.endsAt, from)))
        .unionAll(
          tx
            .select({
              tutorId: tutoringSessions.tutorId,
              startsAt: sql<Date | string>`${tutoringSessions.startedAt}`,
              endsAt: sql<Date | string | null>`null::timestamptz`,
              status: sql<string>`'active'`,
              heldUntil: sql<Date | string | null>`null::timestamptz`,
            })
            .from(tutoringSessions)
            .where(and(anyId(tutoringSessions.tutorId, ids), eq(tutoringSessions.status, 'active'), eq(tutoringSessions.kind, 'instant'))),
        );
      return rows.map((r) => ({
        tutorId: r.tutorId,
        kind: r.endsAt === null ? ('instant' as const) : ('booking' as const),
        startsAt: new Date(r.startsAt),
        endsAt: r.endsAt === null ? null : new Date(r.endsAt),
        status: r.status,
        heldUntil: r.heldUntil === null ? null : new Date(r.heldUntil),
      }));
    },

    // ---------- reviews ----------

    async reviewsOf(tutorId: string, limit: number, after: { createdAt: Date; bookingId: string } | null) {
      return db
        .select({ bookingId: bookingReviews.bookingId, rating: bookingReviews.rating, comment: bookingReviews.comment, createdAt: bookingReviews.createdAt, studentName: users.displayName })
        .from(bookingReviews)
        .innerJoin(users, eq(users.id, bookingReviews.studentId))
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
    },

    /** The booking, locked for this transaction (a review and its figures are written under the lock). */
    async lockBooking(tx: Tx, id: string): Promise<BookingRow | undefined> {
      const [row] = await tx.select().from(bookings).where(eq(bookings.id, id)).limit(1).for('update');
      return row;
    },

    /** Inserts the review unless the booking has one; undefined when it already had one. */
    async insertReview(tx: Tx, values: typeof bookingReviews.$inferInsert) {
      const [row] = await tx.insert(bookingReviews).values(values).onConflictDoNothing({ target: bookingReviews.bookingId }).returning();
      return row;
    },

    async addToReviewFigures(tx: Tx, tutorId: string, rating: number): Promise<void> {
      await tx
        .update(tutorProfiles)
        .set({ reviewSum: sql`${tutorProfiles.reviewSum} + ${rating}`, reviewCount: sql`${tutorProfiles.reviewCount} + 1` })
        .where(eq(tutorProfiles.userId, tutorId));
    },

    // ---------- favourites ----------

    async setFavourite(studentId: string, tutorId: string, favourite: boolean): Promise<void> {
      await db
        .insert(studentTutorPrefs)
        .values({ studentId, tutorId, favourite })
        .onConflictDoUpdate({ target: [studentTutorPrefs.studentId, studentTutorPrefs.tutorId], set: { favourite } });
    },

    // ---------- photo ----------

    async photoKeyOf(tutorId: string, approvedOnly: boolean): Promise<{ photoKey: string | null } | undefined> {
      const [row] = await db
        .select({ photoKey: tutorProfiles.photoKey })
        .from(tutorProfiles)
        .where(and(eq(tutorProfiles.userId, tutorId), approvedOnly ? eq(tutorProfiles.approvalStatus, 'approved') : undefined))
        .limit(1);
      return row;
    },

    /** Sets the photo; returns the previous key (to delete its files), or undefined when the tutor has no profile. */
    async setPhotoKey(tutorId: string, photoKey: string): Promise<{ previous: string | null } | undefined> {
      return db.transaction(async (tx) => {
        const [old] = await tx.select({ photoKey: tutorProfiles.photoKey }).from(tutorProfiles).where(eq(tutorProfiles.userId, tutorId)).limit(1).for('update');
        if (!old) return undefined;
        await tx.update(tutorProfiles).set({ photoKey }).where(eq(tutorProfiles.userId, tutorId));
        return { previous: old.photoKey };
      });
    },
  };
}

export type TutorsRepo = ReturnType<typeof createTutorsRepo>;
