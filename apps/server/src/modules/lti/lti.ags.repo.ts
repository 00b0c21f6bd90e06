import { and, eq, lt, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { ltiAgsEndpoints, ltiAgsLineItems, ltiAgsOutcomes, ltiAgsScores } from './lti.ags.schema';
import type { AgsEndpoint, OutcomeKind } from './lti.ags.rules';
import { ltiCourseMembers, ltiCourses, ltiRegistrations, ltiUsers } from './lti.schema';

/** The AGS tables (lti.ags.schema.ts), and the registration and platform user id a score needs. */
export function createAgsRepo(db: Db) {
  return {
    db,

    async upsertEndpoint(q: Db | Tx, courseId: string, endpoint: AgsEndpoint, now: Date): Promise<void> {
      await q
        .insert(ltiAgsEndpoints)
        .values({ courseId, lineItemsUrl: endpoint.lineItemsUrl, scopes: endpoint.scopes, updatedAt: now })
        .onConflictDoUpdate({ target: ltiAgsEndpoints.courseId, set: { lineItemsUrl: endpoint.lineItemsUrl, scopes: endpoint.scopes, updatedAt: now } });
    },

    /** The courses a user learns in whose platform takes scores (only users who came through LTI have any). */
    async gradedCoursesOf(q: Db | Tx, userId: string): Promise<string[]> {
      const rows = await q
        .select({ courseId: ltiCourseMembers.courseId })
        .from(ltiCourseMembers)
        .innerJoin(ltiAgsEndpoints, eq(ltiAgsEndpoints.courseId, ltiCourseMembers.courseId))
        .where(and(eq(ltiCourseMembers.userId, userId), eq(ltiCourseMembers.courseRole, 'learner')));
      return rows.map((r) => r.courseId);
    },

    /** Records an outcome once; returns the learner's count of that kind in the course, or null when it was known. */
    async addOutcome(q: Db | Tx, o: { courseId: string; userId: string; kind: OutcomeKind; sourceId: string; at: Date }): Promise<number | null> {
      const added = await q.insert(ltiAgsOutcomes).values(o).onConflictDoNothing().returning({ id: ltiAgsOutcomes.id });
      if (!added.length) return null;
      const [row] = await q
        .select({ n: sql<number>`count(*)::int` })
        .from(ltiAgsOutcomes)
        .where(and(eq(ltiAgsOutcomes.courseId, o.courseId), eq(ltiAgsOutcomes.userId, o.userId), eq(ltiAgsOutcomes.kind, o.kind)));
      return Number(row?.n ?? 0);
    },

    /** What sending a score to a course needs: its registration, its AGS endpoint, and the learner's id there. */
    async scoreTarget(courseId: string, userId: string) {
      const [row] = await db
        .select({
          registrationId: ltiRegistrations.id,
          clientId: ltiRegistrations.clientId,
          accessTokenUrl: ltiRegistrations.accessTokenUrl,
          issuer: ltiRegistrations.issuer,
          lineItemsUrl: ltiAgsEndpoints.lineItemsUrl,
          scopes: ltiAgsEndpoints.scopes,
        })
        .from(ltiCourses)
        .innerJoin(ltiRegistrations, eq(ltiRegistrations.id, ltiCourses.registrationId))
        .innerJoin(ltiAgsEndpoints, eq(ltiAgsEndpoints.courseId, ltiCourses.id))
        .where(eq(ltiCourses.id, courseId))
        .limit(1);
      if (!row) return undefined;
      const [user] = await db
        .select({ sub: ltiUsers.sub })
        .from(ltiUsers)
        .where(and(eq(ltiUsers.userId, userId), eq(ltiUsers.issuer, row.issuer)))
        .limit(1);
      return user ? { ...row, platformUserId: user.sub } : undefined;
    },

    async lineItemUrl(courseId: string, kind: OutcomeKind): Promise<string | null> {
      const [row] = await db.select({ url: ltiAgsLineItems.url }).from(ltiAgsLineItems).where(and(eq(ltiAgsLineItems.courseId, courseId), eq(ltiAgsLineItems.kind, kind))).limit(1);
      return row?.url ?? null;
    },

    async saveLineItem(courseId: string, kind: OutcomeKind, url: string, now: Date): Promise<void> {
      await db.insert(ltiAgsLineItems).values({ courseId, kind, url, createdAt: now }).onConflictDoUpdate({ target: [ltiAgsLineItems.courseId, ltiAgsLineItems.kind], set: { url } });
    },

    async deliveredAt(courseId: string, userId: string, kind: OutcomeKind): Promise<Date | null> {
      const [row] = await db
        .select({ timestamp: ltiAgsScores.timestamp })
        .from(ltiAgsScores)
        .where(and(eq(ltiAgsScores.courseId, courseId), eq(ltiAgsScores.userId, userId), eq(ltiAgsScores.kind, kind)))
        .limit(1);
      return row?.timestamp ?? null;
    },

    /** Remembers a delivered score, unless a newer one was delivered meanwhile. */
    async markDelivered(s: { courseId: string; userId: string; kind: OutcomeKind; scoreGiven: number; timestamp: Date; now: Date }): Promise<void> {
      await db
        .insert(ltiAgsScores)
        .values({ courseId: s.courseId, userId: s.userId, kind: s.kind, scoreGiven: s.scoreGiven, timestamp: s.timestamp, sentAt: s.now })
        .onConflictDoUpdate({
          target: [ltiAgsScores.courseId, ltiAgsScores.userId, ltiAgsScores.kind],
          set: { scoreGiven: s.scoreGiven, timestamp: s.timestamp, sentAt: s.now },
          setWhere: lt(ltiAgsScores.timestamp, s.timestamp),
        });
    },
  };
}
export type AgsRepo = ReturnType<typeof createAgsRepo>;
