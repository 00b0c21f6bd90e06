import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { subjects, tutorProfiles, tutorSubjects, users } from './identity.schema';

/**
 * What other modules may read and bump of tutor profiles and the subjects catalogue, through index.ts (#14): batch
 * reads by id, in the caller's transaction when it passes one. Scheduling prices lessons and settles them, help finds
 * the tutors who teach a question, tutors keeps the review figures and the photo.
 */
export type TutorProfileRow = typeof tutorProfiles.$inferSelect;

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
const uuids = (ids: readonly string[]) => sql.param([...new Set(ids)].filter(isUuid));

/** The tutor profiles of these users (any approval status); users without one are left out. */
export async function tutorProfilesOf(q: Db | Tx, ids: readonly string[]): Promise<TutorProfileRow[]> {
  if (!ids.some(isUuid)) return [];
  return q.select().from(tutorProfiles).where(sql`${tutorProfiles.userId} = any(${uuids(ids)}::uuid[])`);
}

/** Approved tutors who teach the subject at the level, with whether each also teaches one of `alsoAny` (any level). */
export async function approvedTutorsTeaching(q: Db | Tx, subjectId: string, level: string, alsoAny: readonly string[]): Promise<{ tutorId: string; alsoTeaches: boolean; onProbation: boolean }[]> {
  const rows = await q
    .select({
      tutorId: tutorProfiles.userId,
      onProbation: tutorProfiles.onProbation,
      alsoTeaches: alsoAny.length
        ? sql<boolean>`exists (select 1 from ${tutorSubjects} ts2 where ts2.tutor_id = ${tutorProfiles.userId} and ts2.subject_id in ${alsoAny})`
        : sql<boolean>`false`,
    })
    .from(tutorSubjects)
    .innerJoin(tutorProfiles, eq(tutorProfiles.userId, tutorSubjects.tutorId))
    .where(and(eq(tutorSubjects.subjectId, subjectId), eq(tutorSubjects.level, level), eq(tutorProfiles.approvalStatus, 'approved')));
  return rows.map((r) => ({ tutorId: r.tutorId, alsoTeaches: Boolean(r.alsoTeaches), onProbation: r.onProbation }));
}

/** A tutor's approval and whether they teach the subject at the level (undefined: no tutor profile). */
export async function tutorTeaching(q: Db | Tx, tutorId: string, subjectId: string, level: string): Promise<{ status: TutorProfileRow['approvalStatus']; teaches: boolean } | undefined> {
  if (!isUuid(tutorId)) return undefined;
  const [row] = await q
    .select({
      status: tutorProfiles.approvalStatus,
      teaches: sql<boolean>`exists (select 1 from ${tutorSubjects} ts where ts.tutor_id = ${tutorId} and ts.subject_id = ${subjectId} and ts.level = ${level})`,
    })
    .from(tutorProfiles)
    .where(eq(tutorProfiles.userId, tutorId))
    .limit(1);
  return row ? { status: row.status, teaches: Boolean(row.teaches) } : undefined;
}

/**
 * Whether the tutor is approved, read under a share lock in the caller's transaction: a suspension (which locks the row
 * for update) waits for the caller to commit, and a caller after the suspension reads it (issue #18).
 */
export async function lockApprovedTutor(tx: Tx, tutorId: string): Promise<boolean> {
  if (!isUuid(tutorId)) return false;
  const [row] = await tx.select({ status: tutorProfiles.approvalStatus }).from(tutorProfiles).where(eq(tutorProfiles.userId, tutorId)).for('share');
  return row?.status === 'approved';
}

/** Whether the catalogue offers the subject at the level. */
export async function subjectLevelExists(q: Db | Tx, subjectId: string, level: string): Promise<boolean> {
  const [row] = await q.select({ levels: subjects.levels }).from(subjects).where(eq(subjects.id, subjectId)).limit(1);
  return Boolean(row?.levels.includes(level));
}

/** The catalogue in its order, and which (subject, level) pairs at least one approved tutor teaches. */
export async function catalogueWithTutors(q: Db | Tx) {
  const [catalogue, taught] = await Promise.all([
    q.select({ id: subjects.id, name: subjects.name, levels: subjects.levels }).from(subjects).orderBy(asc(subjects.sortOrder), asc(subjects.name)),
    q
      .selectDistinct({ subjectId: tutorSubjects.subjectId, level: tutorSubjects.level })
      .from(tutorSubjects)
      .innerJoin(tutorProfiles, and(eq(tutorProfiles.userId, tutorSubjects.tutorId), eq(tutorProfiles.approvalStatus, 'approved'))),
  ]);
  return { catalogue, taught };
}

/** How many approved tutors teach each subject (any level). */
export async function approvedTutorsPerSubject(q: Db | Tx): Promise<{ subjectId: string; n: number }[]> {
  return q
    .select({ subjectId: subjects.id, n: sql<number>`count(distinct ${tutorSubjects.tutorId})::int` })
    .from(subjects)
    .leftJoin(tutorSubjects, eq(tutorSubjects.subjectId, subjects.id))
    .leftJoin(tutorProfiles, and(eq(tutorProfiles.userId, tutorSubjects.tutorId), eq(tutorProfiles.approvalStatus, 'approved')))
    .groupBy(subjects.id);
}

/** Subjects and levels of these tutors, with subject names, in catalogue order. */
export async function tutorSubjectsOf(q: Db | Tx, ids: readonly string[]): Promise<{ tutorId: string; subjectId: string; subjectName: string; level: string }[]> {
  if (!ids.some(isUuid)) return [];
  return q
    .select({ tutorId: tutorSubjects.tutorId, subjectId: tutorSubjects.subjectId, subjectName: subjects.name, level: tutorSubjects.level })
    .from(tutorSubjects)
    .innerJoin(subjects, eq(subjects.id, tutorSubjects.subjectId))
    .where(sql`${tutorSubjects.tutorId} = any(${uuids(ids)}::uuid[])`)
    .orderBy(asc(subjects.sortOrder), asc(subjects.id), asc(tutorSubjects.level));
}

/** A booked lesson took place: the tutor's completed-sessions figure grows by one (scheduling settles lessons). */
export async function addCompletedSession(tx: Db | Tx, tutorId: string): Promise<void> {
  await tx
    .update(tutorProfiles)
    .set({ completedSessions: sql`${tutorProfiles.completedSessions} + 1` })
    .where(eq(tutorProfiles.userId, tutorId));
}

/** A lesson review's stars join the tutor's running review figures (tutors writes the review in the same transaction). */
export async function addToReviewFigures(tx: Tx, tutorId: string, rating: number): Promise<void> {
  await tx
    .update(tutorProfiles)
    .set({ reviewSum: sql`${tutorProfiles.reviewSum} + ${rating}`, reviewCount: sql`${tutorProfiles.reviewCount} + 1` })
    .where(eq(tutorProfiles.userId, tutorId));
}

/** The tutor's photo key (only when approved, if asked), or undefined when there is no such profile. */
export async function tutorPhotoKey(q: Db | Tx, tutorId: string, approvedOnly: boolean): Promise<{ photoKey: string | null } | undefined> {
  const [row] = await q
    .select({ photoKey: tutorProfiles.photoKey })
    .from(tutorProfiles)
    .where(and(eq(tutorProfiles.userId, tutorId), approvedOnly ? eq(tutorProfiles.approvalStatus, 'approved') : undefined))
    .limit(1);
  return row;
}

/** Sets the photo; returns the previous key (to delete its files), or undefined when the tutor has no profile. */
export async function setTutorPhotoKey(db: Db, tutorId: string, photoKey: string): Promise<{ previous: string | null } | undefined> {
  return db.transaction(async (tx) => {
    const [old] = await tx.select({ photoKey: tutorProfiles.photoKey }).from(tutorProfiles).where(eq(tutorProfiles.userId, tutorId)).limit(1).for('update');
    if (!old) return undefined;
    await tx.update(tutorProfiles).set({ photoKey }).where(eq(tutorProfiles.userId, tutorId));
    return { previous: old.photoKey };
  });
}

/** What the public directory filters on in SQL (tutors' search; every word of `words` in the name or the bio). */
export interface DirectoryFilter {
  subject?: string | undefined;
  level?: string | undefined;
  language?: string | undefined;
  minPrice?: number | undefined;
  maxPrice?: number | undefined;
  currency?: string | undefined;
  words?: readonly string[] | undefined;
  /** Only these tutors. */
  ids?: readonly string[] | undefined;
}

/** A public tutor's sort keys: what search orders and pages by (with help's figures and the viewer's favourites). */
export interface DirectoryKeys {
  id: string;
  hourlyRateMinor: number;
  reviewSum: number;
  reviewCount: number;
  completedSessions: number;
}
export type DirectoryListing = DirectoryKeys & { displayName: string; bio: string; languages: string[]; timeZone: string; currency: string; photoKey: string | null };

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Public tutors: approved, a tutor account, not disabled; then the filter. */
function directoryWhere(f: DirectoryFilter) {
  const parts = [eq(tutorProfiles.approvalStatus, 'approved'), eq(users.role, 'tutor'), eq(users.disabled, false)];
  if (f.ids) parts.push(sql`${users.id} = any(${uuids(f.ids)}::uuid[])`);
  if (f.subject || f.level) {
    parts.push(
      sql`exists (select 1 from ${tutorSubjects} ts where ts.tutor_id = ${users.id}${f.subject ? sql` and ts.subject_id = ${f.subject}` : sql``}${f.level ? sql` and ts.level = ${f.level}` : sql``})`,
    );
  }
  if (f.language) parts.push(sql`exists (select 1 from unnest(${tutorProfiles.languages}) l where lower(l) = lower(${f.language}))`);
  if (f.currency) parts.push(eq(tutorProfiles.currency, f.currency));
  if (f.minPrice !== undefined) parts.push(sql`${tutorProfiles.hourlyRateMinor} >= ${f.minPrice}`);
  if (f.maxPrice !== undefined) parts.push(sql`${tutorProfiles.hourlyRateMinor} <= ${f.maxPrice}`);
  for (const word of f.words ?? []) {
    const pattern = `%${escapeLike(word)}%`;
    parts.push(sql`(${users.displayName} ilike ${pattern} or ${tutorProfiles.bio} ilike ${pattern})`);
  }
  return and(...parts)!;
}

/** The sort keys of every public tutor matching the filter (unordered: the consumer sorts with its own figures). */
export async function publicTutorKeys(q: Db | Tx, f: DirectoryFilter): Promise<DirectoryKeys[]> {
  if (f.ids && !f.ids.some(isUuid)) return [];
  return q
    .select({ id: users.id, hourlyRateMinor: tutorProfiles.hourlyRateMinor, reviewSum: tutorProfiles.reviewSum, reviewCount: tutorProfiles.reviewCount, completedSessions: tutorProfiles.completedSessions })
    .from(users)
    .innerJoin(tutorProfiles, eq(tutorProfiles.userId, users.id))
    .where(directoryWhere(f));
}

/** These public tutors' listings (ids that are not public tutors are left out; unordered). */
export async function publicTutorListings(q: Db | Tx, ids: readonly string[]): Promise<DirectoryListing[]> {
  if (!ids.some(isUuid)) return [];
  return q
    .select({
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
    })
    .from(users)
    .innerJoin(tutorProfiles, eq(tutorProfiles.userId, users.id))
    .where(directoryWhere({ ids }));
}

/**
 * Approved tutors by name, for pickers (the LTI deep-link page, #16): those whose name contains `nameContains` (any
 * case; all when empty), plus any of `ids` (to check a chosen one), by name, at most `limit`.
 */
export async function approvedTutorsNamed(q: Db | Tx, p: { nameContains?: string; ids?: readonly string[]; limit: number }): Promise<{ id: string; displayName: string }[]> {
  const like = `%${(p.nameContains ?? '').replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const byId = p.ids?.some(isUuid) ? sql`${users.id} = any(${uuids(p.ids)}::uuid[])` : sql`${users.displayName} ilike ${like}`;
  return q
    .select({ id: users.id, displayName: users.displayName })
    .from(tutorProfiles)
    .innerJoin(users, eq(users.id, tutorProfiles.userId))
    .where(and(eq(tutorProfiles.approvalStatus, 'approved'), byId))
    .orderBy(asc(users.displayName), asc(users.id))
    .limit(p.limit);
}

/**
 * Onboarding's approval (#18), in the caller's transaction: the tutor teaches exactly these subject/levels from now on
 * (alerts, search and booking read tutor_subjects), the profile is marked vetted so the tutor cannot add others by
 * editing it, and a pending tutor becomes approved (a suspended one stays suspended). Returns what was there before,
 * for the caller's audit row; undefined when the user has no tutor profile.
 */
export async function grantVettedSubjects(
  tx: Tx,
  change: { tutorId: string; subjects: readonly { subjectId: string; level: string }[]; profile?: { bio?: string; languages?: string[] }; by: string; now: Date },
): Promise<{ before: { approvalStatus: TutorProfileRow['approvalStatus']; subjects: { subjectId: string; level: string }[] }; approvalStatus: TutorProfileRow['approvalStatus'] } | undefined> {
  const [profile] = await tx.select({ status: tutorProfiles.approvalStatus }).from(tutorProfiles).where(eq(tutorProfiles.userId, change.tutorId)).for('update');
  if (!profile) return undefined;
  const before = await tx
    .select({ subjectId: tutorSubjects.subjectId, level: tutorSubjects.level })
    .from(tutorSubjects)
    .where(eq(tutorSubjects.tutorId, change.tutorId))
    .orderBy(asc(tutorSubjects.subjectId), asc(tutorSubjects.level));
  const approvalStatus = profile.status === 'pending' ? 'approved' : profile.status;
  const profilePatch = Object.fromEntries(Object.entries(change.profile ?? {}).filter(([, v]) => v !== undefined && !(typeof v === 'string' && v === '')));
  await tx
    .update(tutorProfiles)
    .set({ ...profilePatch, subjectsVetted: true, approvalStatus, ...(approvalStatus !== profile.status ? { approvalChangedAt: change.now, approvalChangedBy: change.by } : {}) })
    .where(eq(tutorProfiles.userId, change.tutorId));
  await tx.delete(tutorSubjects).where(eq(tutorSubjects.tutorId, change.tutorId));
  if (change.subjects.length) await tx.insert(tutorSubjects).values(change.subjects.map((s) => ({ tutorId: change.tutorId, subjectId: s.subjectId, level: s.level })));
  return { before: { approvalStatus: profile.status, subjects: before }, approvalStatus };
}
