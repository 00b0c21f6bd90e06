import { and, asc, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { ltiCourseMembers, ltiCourses, ltiDeployments, ltiLogins, ltiPendingLinks, ltiRegistrations, ltiToolKeys, ltiUsers } from './lti.schema';

export type RegistrationRow = typeof ltiRegistrations.$inferSelect;
export type LoginRow = typeof ltiLogins.$inferSelect;
type ToolKeyRow = typeof ltiToolKeys.$inferInsert;

export interface RegistrationValues {
  name: string;
  issuer: string;
  clientId: string;
  authLoginUrl: string;
  accessTokenUrl: string;
  keysetUrl: string;
  status: RegistrationRow['status'];
  shareEmail: boolean;
  settings: Record<string, unknown>;
}

/** Postgres' unique_violation, and the constraint it names (through Drizzle's wrapper). */
export function uniqueConstraint(err: unknown): string | null {
  for (let e = err as { code?: string; constraint?: string; cause?: unknown } | undefined, i = 0; e && i < 4; e = e.cause as typeof e, i++) {
    if (e.code === '23505') return e.constraint ?? 'unique';
  }
  return null;
}

export function createLtiRepo(db: Db) {
  return {
    db,

    // Registrations and deployments

    /** A registration with its deployments, in one transaction; a deployment already taken throws unique_violation. */
    async insertRegistration(values: RegistrationValues, deploymentIds: string[], now: Date): Promise<RegistrationRow> {
      return db.transaction(async (tx) => {
        const [row] = await tx.insert(ltiRegistrations).values({ ...values, createdAt: now, updatedAt: now }).returning();
        if (deploymentIds.length) await tx.insert(ltiDeployments).values(deploymentIds.map((deploymentId) => ({ issuer: row!.issuer, clientId: row!.clientId, deploymentId, registrationId: row!.id })));
        return row!;
      });
    },

    async updateRegistration(id: string, patch: Partial<RegistrationValues>, deploymentIds: string[] | undefined, now: Date): Promise<RegistrationRow | undefined> {
      return db.transaction(async (tx) => {
        const [row] = await tx.update(ltiRegistrations).set({ ...patch, updatedAt: now }).where(eq(ltiRegistrations.id, id)).returning();
        if (!row) return undefined;
        if (deploymentIds) {
          await tx.delete(ltiDeployments).where(eq(ltiDeployments.registrationId, id));
          if (deploymentIds.length) await tx.insert(ltiDeployments).values(deploymentIds.map((deploymentId) => ({ issuer: row.issuer, clientId: row.clientId, deploymentId, registrationId: id })));
        } else if (patch.issuer !== undefined || patch.clientId !== undefined) {
          await tx.update(ltiDeployments).set({ issuer: row.issuer, clientId: row.clientId }).where(eq(ltiDeployments.registrationId, id));
        }
        return row;
      });
    },

    async listRegistrations(): Promise<(RegistrationRow & { deploymentIds: string[] })[]> {
      const rows = await db.select().from(ltiRegistrations).orderBy(asc(ltiRegistrations.createdAt));
      const deps = rows.length ? await db.select().from(ltiDeployments).where(inArray(ltiDeployments.registrationId, rows.map((r) => r.id))) : [];
      return rows.map((r) => ({ ...r, deploymentIds: deps.filter((d) => d.registrationId === r.id).map((d) => d.deploymentId).sort() }));
    },

    async findRegistration(id: string): Promise<RegistrationRow | undefined> {
      const [row] = await db.select().from(ltiRegistrations).where(eq(ltiRegistrations.id, id)).limit(1);
      return row;
    },

    async deploymentIdsOf(registrationId: string): Promise<string[]> {
      const rows = await db.select({ d: ltiDeployments.deploymentId }).from(ltiDeployments).where(eq(ltiDeployments.registrationId, registrationId));
      return rows.map((r) => r.d).sort();
    },

    /** Registrations of an issuer (and client id, when the platform sent one), any status. */
    async registrationsOf(issuer: string, clientId: string | null): Promise<RegistrationRow[]> {
      return db
        .select()
        .from(ltiRegistrations)
        .where(clientId === null ? eq(ltiRegistrations.issuer, issuer) : and(eq(ltiRegistrations.issuer, issuer), eq(ltiRegistrations.clientId, clientId)));
    },

    /** The registration that owns (issuer, client id, deployment id), if any. */
    async registrationByDeployment(issuer: string, clientId: string, deploymentId: string): Promise<RegistrationRow | undefined> {
      const [row] = await db
        .select({ r: ltiRegistrations })
        .from(ltiDeployments)
        .innerJoin(ltiRegistrations, eq(ltiRegistrations.id, ltiDeployments.registrationId))
        .where(and(eq(ltiDeployments.issuer, issuer), eq(ltiDeployments.clientId, clientId), eq(ltiDeployments.deploymentId, deploymentId)))
        .limit(1);
      return row?.r;
    },

    // Logins (state and nonce)

    async insertLogin(values: typeof ltiLogins.$inferInsert): Promise<void> {
      await db.insert(ltiLogins).values(values);
    },

    async findLogin(state: string): Promise<LoginRow | undefined> {
      const [row] = await db.select().from(ltiLogins).where(eq(ltiLogins.state, state)).limit(1);
      return row;
    },

    /** Consumes a login's nonce: true for exactly one caller, however many launches race with it. */
    async consumeLogin(q: Db | Tx, state: string, nonce: string, now: Date): Promise<boolean> {
      const rows = await q
        .update(ltiLogins)
        .set({ consumedAt: now })
        .where(and(eq(ltiLogins.state, state), eq(ltiLogins.nonce, nonce), isNull(ltiLogins.consumedAt), gt(ltiLogins.expiresAt, now)))
        .returning({ state: ltiLogins.state });
      return rows.length === 1;
    },

    async deleteLoginsBefore(cutoff: Date): Promise<number> {
      const rows = await db.delete(ltiLogins).where(sql`${ltiLogins.expiresAt} < ${cutoff.toISOString()}`).returning({ s: ltiLogins.state });
      return rows.length;
    },

    // Users, courses, members

    async linkedUser(q: Db | Tx, issuer: string, sub: string): Promise<string | null> {
      const [row] = await q.select({ userId: ltiUsers.userId }).from(ltiUsers).where(and(eq(ltiUsers.issuer, issuer), eq(ltiUsers.sub, sub))).limit(1);
      return row?.userId ?? null;
    },

    /** Links an LTI identity to an account; false when that identity is already linked (another launch won). */
    async insertLtiUser(q: Db | Tx, values: typeof ltiUsers.$inferInsert): Promise<boolean> {
      const rows = await q.insert(ltiUsers).values(values).onConflictDoNothing().returning({ userId: ltiUsers.userId });
      return rows.length === 1;
    },

    async touchLtiUser(q: Db | Tx, issuer: string, sub: string, now: Date): Promise<void> {
      await q.update(ltiUsers).set({ lastLaunchAt: now }).where(and(eq(ltiUsers.issuer, issuer), eq(ltiUsers.sub, sub)));
    },

    /** The course of (registration, context id), made or retitled; returns its id. */
    async upsertCourse(q: Db | Tx, values: { registrationId: string; contextId: string; title: string; label: string | null; membershipsUrl?: string | null; now: Date }): Promise<string> {
      const roster = values.membershipsUrl ? { membershipsUrl: values.membershipsUrl } : {};
      const [row] = await q
        .insert(ltiCourses)
        .values({ registrationId: values.registrationId, contextId: values.contextId, title: values.title, label: values.label, ...roster, createdAt: values.now, updatedAt: values.now })
        .onConflictDoUpdate({ target: [ltiCourses.registrationId, ltiCourses.contextId], set: { title: values.title, label: values.label, ...roster, updatedAt: values.now } })
        .returning({ id: ltiCourses.id });
      return row!.id;
    },

    async upsertMember(q: Db | Tx, values: { courseId: string; userId: string; courseRole: 'learner' | 'staff'; now: Date }): Promise<void> {
      await q
        .insert(ltiCourseMembers)
        .values({ courseId: values.courseId, userId: values.userId, courseRole: values.courseRole, lastLaunchAt: values.now })
        .onConflictDoUpdate({ target: [ltiCourseMembers.courseId, ltiCourseMembers.userId], set: { courseRole: values.courseRole, lastLaunchAt: values.now, leftAt: null } });
    },

    async courseOf(courseId: string, userId: string) {
      const [row] = await db
        .select({ id: ltiCourses.id, title: ltiCourses.title, label: ltiCourses.label, contextId: ltiCourses.contextId, registrationId: ltiCourses.registrationId, courseRole: ltiCourseMembers.courseRole })
        .from(ltiCourses)
        .innerJoin(ltiCourseMembers, and(eq(ltiCourseMembers.courseId, ltiCourses.id), eq(ltiCourseMembers.userId, userId), isNull(ltiCourseMembers.leftAt)))
        .where(eq(ltiCourses.id, courseId))
        .limit(1);
      return row;
    },

    async coursesOf(userId: string) {
      return db
        .select({ id: ltiCourses.id, title: ltiCourses.title, label: ltiCourses.label, courseRole: ltiCourseMembers.courseRole })
        .from(ltiCourseMembers)
        .innerJoin(ltiCourses, eq(ltiCourses.id, ltiCourseMembers.courseId))
        .where(and(eq(ltiCourseMembers.userId, userId), isNull(ltiCourseMembers.leftAt)))
        .orderBy(asc(ltiCourses.title));
    },

    async countRows() {
      const one = async (table: typeof ltiUsers | typeof ltiCourses | typeof ltiCourseMembers) => Number((await db.select({ n: sql<number>`count(*)` }).from(table))[0]?.n ?? 0);
      return { users: await one(ltiUsers), courses: await one(ltiCourses), members: await one(ltiCourseMembers) };
    },

    // Pending links (an existing account confirms by logging in)

    async insertPendingLink(q: Db | Tx, values: typeof ltiPendingLinks.$inferInsert): Promise<void> {
      await q.insert(ltiPendingLinks).values(values);
    },

    /** Uses a pending link once, while it is fresh. */
    async usePendingLink(q: Db | Tx, tokenHash: string, now: Date) {
      const [row] = await q
        .update(ltiPendingLinks)
        .set({ usedAt: now })
        .where(and(eq(ltiPendingLinks.tokenHash, tokenHash), isNull(ltiPendingLinks.usedAt), gt(ltiPendingLinks.expiresAt, now)))
        .returning();
      return row;
    },

    // The tool's keys

    /** Inserts the current and next keys that are missing; returns the kids made. */
    async ensureToolKeys(make: (missing: ('current' | 'next')[]) => Promise<ToolKeyRow[]>, _now: Date): Promise<string[]> {
      const have = await db.select({ status: ltiToolKeys.status }).from(ltiToolKeys).where(or(eq(ltiToolKeys.status, 'current'), eq(ltiToolKeys.status, 'next')));
      const missing = (['current', 'next'] as const).filter((s) => !have.some((h) => h.status === s));
      if (!missing.length) return [];
      const rows = await make([...missing]);
      // Two nodes starting at once: the partial unique indexes let one of them win each status.
      const made = await db.insert(ltiToolKeys).values(rows).onConflictDoNothing().returning({ kid: ltiToolKeys.kid });
      return made.map((m) => m.kid);
    },

    async rotateToolKeys(fresh: ToolKeyRow, now: Date, retiredPublishedUntil: Date): Promise<{ current: string; next: string; retired: string | null }> {
      return db.transaction(async (tx) => {
        const [old] = await tx
          .update(ltiToolKeys)
          .set({ status: 'retired', retiredAt: now, publishedUntil: retiredPublishedUntil })
          .where(eq(ltiToolKeys.status, 'current'))
          .returning({ kid: ltiToolKeys.kid });
        const [promoted] = await tx.update(ltiToolKeys).set({ status: 'current', activatedAt: now }).where(eq(ltiToolKeys.status, 'next')).returning({ kid: ltiToolKeys.kid });
        if (!promoted) throw new Error('no next LTI key to promote');
        await tx.insert(ltiToolKeys).values({ ...fresh, status: 'next' });
        return { current: promoted.kid, next: fresh.kid, retired: old?.kid ?? null };
      });
    },

    async publishedToolKeys(now: Date) {
      return db
        .select({ kid: ltiToolKeys.kid, publicJwk: ltiToolKeys.publicJwk, status: ltiToolKeys.status })
        .from(ltiToolKeys)
        .where(or(inArray(ltiToolKeys.status, ['current', 'next']), and(eq(ltiToolKeys.status, 'retired'), gt(ltiToolKeys.publishedUntil, now))))
        .orderBy(asc(ltiToolKeys.createdAt), asc(ltiToolKeys.kid));
    },

    async currentToolKey() {
      const [row] = await db.select().from(ltiToolKeys).where(eq(ltiToolKeys.status, 'current')).limit(1);
      return row;
    },
  };
}
export type LtiRepo = ReturnType<typeof createLtiRepo>;
