import { and, asc, eq, inArray, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import type { RosterMember } from './lti.nrps.rules';
import { ltiCourseMembers, ltiCourses, ltiRegistrations, ltiRosterEntries, ltiUsers } from './lti.schema';

/** The roster's tables (NRPS): lti_roster_entries, and the left_at of lti_course_members. */
export function createNrpsRepo(db: Db) {
  return {
    async courseForRoster(courseId: string) {
      const [row] = await db
        .select({ id: ltiCourses.id, title: ltiCourses.title, contextId: ltiCourses.contextId, createdAt: ltiCourses.createdAt, registrationId: ltiCourses.registrationId, membershipsUrl: ltiCourses.membershipsUrl, rosterSyncedAt: ltiCourses.rosterSyncedAt, issuer: ltiRegistrations.issuer, settings: ltiRegistrations.settings })
        .from(ltiCourses)
        .innerJoin(ltiRegistrations, eq(ltiRegistrations.id, ltiCourses.registrationId))
        .where(eq(ltiCourses.id, courseId))
        .limit(1);
      return row;
    },

    /** Courses whose roster is older than `before` (or never fetched) and that offer one. */
    async coursesDue(before: Date, limit: number): Promise<string[]> {
      const rows = await db
        .select({ id: ltiCourses.id })
        .from(ltiCourses)
        .where(and(isNotNull(ltiCourses.membershipsUrl), or(isNull(ltiCourses.rosterSyncedAt), lt(ltiCourses.rosterSyncedAt, before))))
        .orderBy(asc(ltiCourses.rosterSyncedAt))
        .limit(limit);
      return rows.map((r) => r.id);
    },

    /** The course's members with their LTI sub on this issuer (members are linked accounts). */
    async membersWithSub(courseId: string, issuer: string) {
      return db
        .select({ userId: ltiCourseMembers.userId, sub: ltiUsers.sub, courseRole: ltiCourseMembers.courseRole, leftAt: ltiCourseMembers.leftAt })
        .from(ltiCourseMembers)
        .innerJoin(ltiUsers, and(eq(ltiUsers.userId, ltiCourseMembers.userId), eq(ltiUsers.issuer, issuer)))
        .where(eq(ltiCourseMembers.courseId, courseId));
    },

    /**
     * One full fetch, in one transaction: every entry not listed is inactive, the listed ones are written as listed,
     * the members who left get left_at (and those back lose it), and the course is stamped as synced.
     */
    async applyRoster(p: { courseId: string; roster: RosterMember[]; leftUserIds: string[]; backUserIds: string[]; now: Date }): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.update(ltiRosterEntries).set({ status: 'inactive' }).where(eq(ltiRosterEntries.courseId, p.courseId));
        for (let i = 0; i < p.roster.length; i += 500) {
          const chunk = p.roster.slice(i, i + 500).map((m) => ({ courseId: p.courseId, sub: m.sub, name: m.name, courseRole: m.courseRole, status: m.status, seenAt: p.now }));
          await tx
            .insert(ltiRosterEntries)
            .values(chunk)
            .onConflictDoUpdate({ target: [ltiRosterEntries.courseId, ltiRosterEntries.sub], set: { name: sql`excluded.name`, courseRole: sql`excluded.course_role`, status: sql`excluded.status`, seenAt: p.now } });
        }
        if (p.leftUserIds.length) await tx.update(ltiCourseMembers).set({ leftAt: p.now }).where(and(eq(ltiCourseMembers.courseId, p.courseId), inArray(ltiCourseMembers.userId, p.leftUserIds)));
        if (p.backUserIds.length) await tx.update(ltiCourseMembers).set({ leftAt: null }).where(and(eq(ltiCourseMembers.courseId, p.courseId), inArray(ltiCourseMembers.userId, p.backUserIds)));
        await tx.update(ltiCourses).set({ rosterSyncedAt: p.now }).where(eq(ltiCourses.id, p.courseId));
      });
    },

    /**
     * The course's learners for the usage report: the active roster's learners (with their account, if they ever
     * launched), or the learner members when the platform offers no roster.
     */
    async learnersOf(courseId: string, issuer: string): Promise<{ sub: string | null; name: string | null; userId: string | null }[]> {
      const roster = await db
        .select({ sub: ltiRosterEntries.sub, name: ltiRosterEntries.name, userId: ltiUsers.userId })
        .from(ltiRosterEntries)
        .leftJoin(ltiUsers, and(eq(ltiUsers.issuer, issuer), eq(ltiUsers.sub, ltiRosterEntries.sub)))
        .where(and(eq(ltiRosterEntries.courseId, courseId), eq(ltiRosterEntries.status, 'active'), eq(ltiRosterEntries.courseRole, 'learner')))
        .orderBy(asc(ltiRosterEntries.name));
      if (roster.length) return roster;
      const hasRoster = await db.select({ n: sql<number>`count(*)` }).from(ltiRosterEntries).where(eq(ltiRosterEntries.courseId, courseId));
      if (Number(hasRoster[0]?.n ?? 0) > 0) return [];
      return db
        .select({ sub: ltiUsers.sub, name: sql<string | null>`null`, userId: ltiCourseMembers.userId })
        .from(ltiCourseMembers)
        .innerJoin(ltiUsers, and(eq(ltiUsers.userId, ltiCourseMembers.userId), eq(ltiUsers.issuer, issuer)))
        .where(and(eq(ltiCourseMembers.courseId, courseId), eq(ltiCourseMembers.courseRole, 'learner'), isNull(ltiCourseMembers.leftAt)));
    },

    /** Whether the user is (still) a member of the course, and as what. */
    async memberRole(courseId: string, userId: string): Promise<'learner' | 'staff' | null> {
      const [row] = await db
        .select({ role: ltiCourseMembers.courseRole })
        .from(ltiCourseMembers)
        .where(and(eq(ltiCourseMembers.courseId, courseId), eq(ltiCourseMembers.userId, userId), isNull(ltiCourseMembers.leftAt)))
        .limit(1);
      return row?.role ?? null;
    },
  };
}
export type NrpsRepo = ReturnType<typeof createNrpsRepo>;
