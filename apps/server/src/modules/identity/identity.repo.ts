import type { ApprovalStatus, Role, StaffRole } from '@tutorline/contracts';
import { and, asc, count, eq, gt, inArray, isNull, lt, ne, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import { recordAudit } from '../audit';
import { queueSuspensionEffects } from './identity.standing.repo';
import { authSessions, failedLogins, guardianConsents, loginLinks, subjects, tutorProfiles, tutorSubjects, users } from './identity.schema';

export type UserRow = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type TutorProfileRow = typeof tutorProfiles.$inferSelect;
export type GuardianConsentRow = typeof guardianConsents.$inferSelect & { recordedByName: string };
export interface TutorProfileWithSubjects extends TutorProfileRow {
  displayName: string;
  subjects: { subjectId: string; level: string }[];
}

/** Which unique constraint a PostgreSQL error violated, if any (works for pg and PGlite). */
export function uniqueViolation(err: unknown): string | null {
  const e = (err as { cause?: unknown }).cause ?? err;
  const { code, constraint } = e as { code?: string; constraint?: string };
  return code === '23505' ? (constraint ?? 'unknown') : null;
}

export type StaffRoleChange = { ok: true; staffRoles: StaffRole[] } | { ok: false; reason: 'not_found' | 'not_staff' | 'already_held' | 'not_held' };

export function createIdentityRepo(db: Db) {
  const sessionByToken = db
    .select({ session: authSessions, user: users })
    .from(authSessions)
    .innerJoin(users, eq(users.id, authSessions.userId))
    .where(
      and(
        eq(authSessions.tokenHash, sql.placeholder('tokenHash')),
        isNull(authSessions.revokedAt),
        gt(authSessions.expiresAt, sql.placeholder('now')),
        eq(users.disabled, false),
      ),
    )
    .limit(1)
    .prepare('identity_session_by_token');

  return {
    async insertUser(values: NewUser): Promise<UserRow> {
      const [row] = await db.insert(users).values(values).returning();
      return row!;
    },

    async insertTutor(values: NewUser, profile: { timeZone: string }): Promise<UserRow> {
      return db.transaction(async (tx) => {
        const [row] = await tx.insert(users).values(values).returning();
        await tx.insert(tutorProfiles).values({ userId: row!.id, timeZone: profile.timeZone });
        return row!;
      });
    },

    async findUserByEmail(email: string): Promise<UserRow | undefined> {
      const [row] = await db.select().from(users).where(sql`lower(${users.email}) = ${email.toLowerCase()}`).limit(1);
      return row;
    },

    async findUserByPhone(phone: string): Promise<UserRow | undefined> {
      const [row] = await db.select().from(users).where(eq(users.phone, phone)).limit(1);
      return row;
    },

    async insertLoginLink(values: typeof loginLinks.$inferInsert) {
      await db.insert(loginLinks).values(values);
    },
    /** Counts one use of a live link and returns it; undefined when unknown, expired or used up. */
    async useLoginLink(tokenHash: string, now: Date, maxUses: number) {
      const [row] = await db
        .update(loginLinks)
        .set({ uses: sql`${loginLinks.uses} + 1` })
        .where(and(eq(loginLinks.tokenHash, tokenHash), gt(loginLinks.expiresAt, now), lt(loginLinks.uses, maxUses)))
        .returning();
      return row;
    },

    /** The account's uncleared failed log-ins since `since`: from this IP, from every IP, and the IP's oldest. */
    async loginFailures(account: string, ip: string, since: Date) {
      const fromThisIp = sql`${failedLogins.ip} = ${ip}`;
      const [row] = await db
        .select({
          fromIp: sql<number>`count(*) filter (where ${fromThisIp})`.mapWith(Number),
          total: sql<number>`count(*)`.mapWith(Number),
          oldestFromIp: sql<Date | null>`min(${failedLogins.at}) filter (where ${fromThisIp})`.mapWith((v: string | Date | null) => (v === null ? null : new Date(v))),
        })
        .from(failedLogins)
        .where(and(eq(failedLogins.account, account), gt(failedLogins.at, since), isNull(failedLogins.clearedAt)));
      return { fromIp: row?.fromIp ?? 0, total: row?.total ?? 0, oldestFromIp: row?.oldestFromIp ?? null };
    },
    /** Retention: failed log-ins recorded before `before`, and log-in links that expired before `before`, are deleted. */
    /** Log-in links that expired before `before` (failed log-ins go by the retention schedule: removeOldFailedLogins). */
    async pruneExpiredLoginLinks(before: Date): Promise<number> {
      const links = await db.delete(loginLinks).where(lt(loginLinks.expiresAt, before)).returning({ tokenHash: loginLinks.tokenHash });
      return links.length;
    },
    async recordLoginFailure(account: string, ip: string, at: Date): Promise<void> {
      await db.insert(failedLogins).values({ account, ip, at });
    },
    /** A success from `ip`: its failures on the account stop counting (kept, marked cleared). */
    async clearLoginFailures(account: string, ip: string, at: Date): Promise<number> {
      const rows = await db
        .update(failedLogins)
        .set({ clearedAt: at })
        .where(and(eq(failedLogins.account, account), eq(failedLogins.ip, ip), isNull(failedLogins.clearedAt)))
        .returning({ id: failedLogins.id });
      return rows.length;
    },

    async findUserById(id: string): Promise<UserRow | undefined> {
      const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
      return row;
    },

    async countUsers(): Promise<number> {
      const [row] = await db.select({ n: count() }).from(users);
      return row?.n ?? 0;
    },

    async insertSession(values: { tokenHash: string; userId: string; createdAt: Date; expiresAt: Date; userAgent: string | null }) {
      const [row] = await db.insert(authSessions).values(values).returning({ id: authSessions.id });
      return row!;
    },

    async findSessionByTokenHash(tokenHash: string, now: Date) {
      const [row] = await sessionByToken.execute({ tokenHash, now: now.toISOString() });
      return row;
    },

    async revokeSession(id: string, now: Date): Promise<void> {
      await db.update(authSessions).set({ revokedAt: now }).where(and(eq(authSessions.id, id), isNull(authSessions.revokedAt)));
    },

    /** Revokes a user's live sessions, optionally keeping one; returns the revoked ids. */
    async revokeUserSessions(userId: string, now: Date, keepId?: string): Promise<string[]> {
      const rows = await db
        .update(authSessions)
        .set({ revokedAt: now })
        .where(
          and(eq(authSessions.userId, userId), isNull(authSessions.revokedAt), keepId ? ne(authSessions.id, keepId) : undefined),
        )
        .returning({ id: authSessions.id });
      return rows.map((r) => r.id);
    },

    async updatePassword(userId: string, passwordHash: string, now: Date): Promise<void> {
      await db.update(users).set({ passwordHash, passwordChangedAt: now }).where(eq(users.id, userId));
    },

    async updateUser(userId: string, patch: Partial<Pick<UserRow, 'displayName' | 'phone' | 'timeZone' | 'language' | 'guardianConsentAt' | 'guardianContact' | 'country' | 'recordingForbidden'>>) {
      const [row] = await db.update(users).set(patch).where(eq(users.id, userId)).returning();
      return row;
    },

    /** Sets a student's birth date only if none is on record (the first answer stands); the row either way. */
    async setBirthDateOnce(userId: string, birthDate: string): Promise<UserRow | undefined> {
      const [row] = await db
        .update(users)
        .set({ birthDate })
        .where(and(eq(users.id, userId), eq(users.role, 'student'), isNull(users.birthDate)))
        .returning();
      return row ?? (await db.select().from(users).where(eq(users.id, userId)).limit(1))[0];
    },

    async upsertSubjects(list: { id: string; name: string; levels: string[] }[]): Promise<void> {
      if (!list.length) return;
      await db
        .insert(subjects)
        .values(list.map((s, i) => ({ ...s, sortOrder: i })))
        .onConflictDoUpdate({ target: subjects.id, set: { name: sql`excluded.name`, levels: sql`excluded.levels`, sortOrder: sql`excluded.sort_order` } });
    },

    async listSubjects() {
      return db.select().from(subjects).orderBy(asc(subjects.sortOrder), asc(subjects.name));
    },

    async getTutorProfile(userId: string): Promise<TutorProfileWithSubjects | undefined> {
      const [row] = await db
        .select({ profile: tutorProfiles, displayName: users.displayName })
        .from(tutorProfiles)
        .innerJoin(users, eq(users.id, tutorProfiles.userId))
        .where(eq(tutorProfiles.userId, userId))
        .limit(1);
      if (!row) return undefined;
      const subs = await db
        .select({ subjectId: tutorSubjects.subjectId, level: tutorSubjects.level })
        .from(tutorSubjects)
        .where(eq(tutorSubjects.tutorId, userId))
        .orderBy(asc(tutorSubjects.subjectId), asc(tutorSubjects.level));
      return { ...row.profile, displayName: row.displayName, subjects: subs };
    },

    async updateTutorProfile(
      userId: string,
      patch: Partial<Pick<TutorProfileRow, 'bio' | 'languages' | 'timeZone' | 'hourlyRateMinor' | 'currency'>>,
      subjectList: { subjectId: string; level: string }[] | undefined,
    ): Promise<void> {
      await db.transaction(async (tx) => {
        if (Object.keys(patch).length) await tx.update(tutorProfiles).set(patch).where(eq(tutorProfiles.userId, userId));
        if (subjectList) {
          await tx.delete(tutorSubjects).where(eq(tutorSubjects.tutorId, userId));
          if (subjectList.length) await tx.insert(tutorSubjects).values(subjectList.map((s) => ({ ...s, tutorId: userId })));
        }
      });
    },

    /** Sets a tutor's approval and writes its audit row in the same transaction; undefined when there is no such tutor. */
    async setApproval(tutorId: string, status: ApprovalStatus, by: string | { id: string; role: string }, now: Date, reason: string | null = null) {
      // Seeds and tests pass a bare user id: recorded as the system acting for that user.
      const actor = typeof by === 'string' ? { id: by, role: 'system' } : by;
      return db.transaction(async (tx) => {
        const [before] = await tx.select({ status: tutorProfiles.approvalStatus }).from(tutorProfiles).where(eq(tutorProfiles.userId, tutorId)).for('update');
        if (!before) return undefined;
        // Suspending twice is refused (issue #18); a suspension through this route has the same effects as /suspend.
        if (status === 'suspended' && before.status === 'suspended') return 'already_suspended' as const;
        if (status === 'suspended') await queueSuspensionEffects(tx, tutorId, now);
        const [row] = await tx
          .update(tutorProfiles)
          .set({ approvalStatus: status, approvalChangedAt: now, approvalChangedBy: actor.id })
          .where(eq(tutorProfiles.userId, tutorId))
          .returning();
        const action = status === 'approved' ? 'tutor.approve' : status === 'suspended' ? 'tutor.suspend' : 'tutor.set_pending';
        await recordAudit(tx, now, { actor, action, object: { type: 'tutor', id: tutorId }, reason, before: { approvalStatus: before.status }, after: { approvalStatus: status } });
        return row;
      });
    },

    /**
     * Grants or revokes one staff role, with its audit row, in one transaction. Only staff accounts hold staff roles;
     * granting a role already held, or revoking one not held, changes nothing and says so.
     */
    async changeStaffRole(change: { userId: string; role: StaffRole; grant: boolean; actor: { id: string; role: string }; reason: string; now: Date }): Promise<StaffRoleChange> {
      return db.transaction(async (tx) => {
        const [user] = await tx.select({ role: users.role, staffRoles: users.staffRoles }).from(users).where(eq(users.id, change.userId)).for('update');
        if (!user) return { ok: false, reason: 'not_found' };
        if (user.role !== 'admin') return { ok: false, reason: 'not_staff' };
        const held = user.staffRoles.includes(change.role);
        if (change.grant && held) return { ok: false, reason: 'already_held' };
        if (!change.grant && !held) return { ok: false, reason: 'not_held' };
        const after = change.grant ? [...user.staffRoles, change.role] : user.staffRoles.filter((r) => r !== change.role);
        await tx.update(users).set({ staffRoles: after }).where(eq(users.id, change.userId));
        await recordAudit(tx, change.now, {
          actor: change.actor,
          action: change.grant ? 'staff_role.grant' : 'staff_role.revoke',
          object: { type: 'user', id: change.userId },
          reason: change.reason,
          before: { staffRoles: user.staffRoles },
          after: { staffRoles: after },
        });
        return { ok: true, staffRoles: after };
      });
    },

    /** Staff accounts and the roles they hold, by name. */
    async listStaff() {
      return db.select({ id: users.id, email: users.email, displayName: users.displayName, staffRoles: users.staffRoles }).from(users).where(eq(users.role, 'admin')).orderBy(asc(users.displayName), asc(users.id));
    },

    /** Sets a new staff account's roles (the operator's CLI, seeds and tests: nobody to audit as). */
    async setStaffRoles(userId: string, roles: StaffRole[]) {
      await db.update(users).set({ staffRoles: roles }).where(and(eq(users.id, userId), eq(users.role, 'admin')));
    },

    /** Records a guardian's consent and marks the student as consented at its time, in one transaction. */
    async recordGuardianConsent(values: Omit<typeof guardianConsents.$inferInsert, 'id'>) {
      return db.transaction(async (tx) => {
        const [consent] = await tx.insert(guardianConsents).values(values).returning();
        const [user] = await tx.update(users).set({ guardianConsentAt: values.recordedAt }).where(eq(users.id, values.studentId)).returning();
        return { consent: consent!, user: user! };
      });
    },

    /** The latest consent of each of these students, with the name of the admin who recorded it. */
    async latestGuardianConsents(studentIds: string[]): Promise<Map<string, GuardianConsentRow>> {
      if (!studentIds.length) return new Map();
      const rows = await db
        .select({ consent: guardianConsents, recordedByName: users.displayName })
        .from(guardianConsents)
        .innerJoin(users, eq(users.id, guardianConsents.recordedBy))
        .where(inArray(guardianConsents.studentId, studentIds))
        .orderBy(asc(guardianConsents.recordedAt), asc(guardianConsents.id));
      return new Map(rows.map((r) => [r.consent.studentId, { ...r.consent, recordedByName: r.recordedByName }]));
    },

    /**
     * consent 'needed': students under their country's consent age (born after its cutoff: 13 by default, 18 in
     * India) with no consent; 'recorded': students with one.
     */
    async listUsers(filter: { role?: Role | undefined; approvalStatus?: ApprovalStatus | undefined; consent?: 'needed' | 'recorded' | undefined; consentCutoffs: { byCountry: Record<string, string>; otherwise: string }; limit: number; offset: number }) {
      const cutoffs = Object.entries(filter.consentCutoffs.byCountry);
      const cutoff = cutoffs.length
        ? sql`(case upper(coalesce(${users.country}, '')) ${sql.join(
            cutoffs.map(([c, d]) => sql`when ${c} then ${d}`),
            sql` `,
          )} else ${filter.consentCutoffs.otherwise} end)`
        : sql`${filter.consentCutoffs.otherwise}`;
      const where = and(
        filter.role ? eq(users.role, filter.role) : undefined,
        filter.approvalStatus ? eq(tutorProfiles.approvalStatus, filter.approvalStatus) : undefined,
        filter.consent === 'needed' ? and(eq(users.role, 'student'), isNull(users.guardianConsentAt), sql`${users.birthDate} > ${cutoff}::date`) : undefined,
        filter.consent === 'recorded' ? sql`exists (select 1 from ${guardianConsents} where ${guardianConsents.studentId} = ${users.id})` : undefined,
      );
      const rows = await db
        .select({ user: users, approvalStatus: tutorProfiles.approvalStatus })
        .from(users)
        .leftJoin(tutorProfiles, eq(tutorProfiles.userId, users.id))
        .where(where)
        .orderBy(asc(users.createdAt), asc(users.id))
        .limit(filter.limit)
        .offset(filter.offset);
      const [total] = await db
        .select({ n: count() })
        .from(users)
        .leftJoin(tutorProfiles, eq(tutorProfiles.userId, users.id))
        .where(where);
      return { rows, total: total?.n ?? 0 };
    },

    async subjectLevelsExist(pairs: { subjectId: string; level: string }[]): Promise<boolean> {
      if (!pairs.length) return true;
      const rows = await db.select().from(subjects).where(inArray(subjects.id, [...new Set(pairs.map((p) => p.subjectId))]));
      const known = new Map(rows.map((r) => [r.id, new Set(r.levels)]));
      return pairs.every((p) => known.get(p.subjectId)?.has(p.level));
    },
  };
}
export type IdentityRepo = ReturnType<typeof createIdentityRepo>;
