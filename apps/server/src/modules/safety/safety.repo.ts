import { and, asc, count, desc, eq, gte, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { safetyBlocks, safetyContactAttempts, safetyFlags, safetyReports } from './safety.schema';

export type ReportRow = typeof safetyReports.$inferSelect;
export type FlagRow = typeof safetyFlags.$inferSelect;
export type AttemptRow = typeof safetyContactAttempts.$inferSelect;

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
const anyOf = (column: typeof safetyBlocks.tutorId | typeof safetyReports.sessionId | typeof safetyReports.reportedId, ids: readonly string[]) =>
  sql`${column} = any(${sql.param([...new Set(ids)].filter(isUuid))}::uuid[])`;

/** The only code that touches safety's tables. */
export function createSafetyRepo(db: Db) {
  return {
    db,
    transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      return db.transaction(fn);
    },

    async addAttempt(q: Db | Tx, row: typeof safetyContactAttempts.$inferInsert): Promise<void> {
      await q.insert(safetyContactAttempts).values(row);
    },
    /**
     * A board attempt, one per (session, sender, element): the first inserts (true), later edits of the same element
     * only update its text and categories (false), so typing a number key by key counts once.
     */
    async upsertRefAttempt(row: typeof safetyContactAttempts.$inferInsert & { ref: string; sessionId: string }): Promise<boolean> {
      const t = safetyContactAttempts;
      const inserted = await db.insert(t).values(row).onConflictDoNothing({ target: [t.sessionId, t.senderId, t.ref], where: sql`${t.ref} is not null` }).returning({ id: t.id });
      if (inserted.length) return true;
      await db.update(t).set({ original: row.original, categories: row.categories }).where(and(eq(t.sessionId, row.sessionId), eq(t.senderId, row.senderId), eq(t.ref, row.ref)));
      return false;
    },
    /** The sender's masked attempts in a session, and since a time (the last day). */
    async attemptCounts(senderId: string, sessionId: string | null, since: Date): Promise<{ inSession: number; sinceTime: number }> {
      const [[s], [d]] = await Promise.all([
        sessionId ? db.select({ n: count() }).from(safetyContactAttempts).where(and(eq(safetyContactAttempts.senderId, senderId), eq(safetyContactAttempts.sessionId, sessionId))) : Promise.resolve([{ n: 0 }]),
        db.select({ n: count() }).from(safetyContactAttempts).where(and(eq(safetyContactAttempts.senderId, senderId), gte(safetyContactAttempts.createdAt, since))),
      ]);
      return { inSession: s?.n ?? 0, sinceTime: d?.n ?? 0 };
    },
    async attemptsInSession(sessionId: string): Promise<AttemptRow[]> {
      return db.select().from(safetyContactAttempts).where(eq(safetyContactAttempts.sessionId, sessionId)).orderBy(asc(safetyContactAttempts.id));
    },

    /** A flag once per dedupe key; the row when it is new, undefined when it existed. */
    async addFlag(q: Db | Tx, row: typeof safetyFlags.$inferInsert): Promise<FlagRow | undefined> {
      const [created] = await q.insert(safetyFlags).values(row).onConflictDoNothing({ target: safetyFlags.dedupeKey }).returning();
      return created;
    },
    async flags(limit: number): Promise<FlagRow[]> {
      return db.select().from(safetyFlags).orderBy(desc(safetyFlags.createdAt), desc(safetyFlags.id)).limit(limit);
    },

    async insertReport(q: Db | Tx, row: typeof safetyReports.$inferInsert): Promise<ReportRow> {
      const [created] = await q.insert(safetyReports).values(row).returning();
      return created!;
    },
    async findReport(id: string): Promise<ReportRow | undefined> {
      if (!isUuid(id)) return undefined;
      const [row] = await db.select().from(safetyReports).where(eq(safetyReports.id, id));
      return row;
    },
    async reports(status: 'open' | 'closed', limit: number): Promise<ReportRow[]> {
      return db.select().from(safetyReports).where(eq(safetyReports.status, status)).orderBy(desc(safetyReports.severe), asc(safetyReports.createdAt)).limit(limit);
    },
    /** Closes an open report; undefined when it was not open. */
    async closeReport(tx: Tx, id: string, values: { closedAt: Date; closedBy: string; resolution: string }): Promise<ReportRow | undefined> {
      const [row] = await tx
        .update(safetyReports)
        .set({ status: 'closed', ...values })
        .where(and(eq(safetyReports.id, id), eq(safetyReports.status, 'open')))
        .returning();
      return row;
    },
    /** Of these sessions, those with an open report (their evidence is kept beyond retention). */
    async sessionsWithOpenReports(q: Db | Tx, sessionIds: readonly string[]): Promise<Set<string>> {
      if (!sessionIds.some(isUuid)) return new Set();
      const rows = await q.selectDistinct({ id: safetyReports.sessionId }).from(safetyReports).where(and(anyOf(safetyReports.sessionId, sessionIds), eq(safetyReports.status, 'open')));
      return new Set(rows.map((r) => r.id));
    },
    /** Of these users, those with an open severe report against them (their question alerts are held). */
    async underSevereReview(userIds: readonly string[]): Promise<Set<string>> {
      if (!userIds.some(isUuid)) return new Set();
      const rows = await db
        .selectDistinct({ id: safetyReports.reportedId })
        .from(safetyReports)
        .where(and(anyOf(safetyReports.reportedId, userIds), eq(safetyReports.status, 'open'), eq(safetyReports.severe, true)));
      return new Set(rows.map((r) => r.id));
    },

    /** Blocks once; true when the block is new. */
    async block(q: Db | Tx, studentId: string, tutorId: string, at: Date): Promise<boolean> {
      const rows = await q.insert(safetyBlocks).values({ studentId, tutorId, createdAt: at }).onConflictDoNothing().returning({ tutorId: safetyBlocks.tutorId });
      return rows.length > 0;
    },
    async unblock(studentId: string, tutorId: string): Promise<boolean> {
      const rows = await db
        .delete(safetyBlocks)
        .where(and(eq(safetyBlocks.studentId, studentId), eq(safetyBlocks.tutorId, tutorId)))
        .returning({ tutorId: safetyBlocks.tutorId });
      return rows.length > 0;
    },
    async blockedAmong(studentId: string, tutorIds: readonly string[]): Promise<Set<string>> {
      if (!isUuid(studentId) || !tutorIds.some(isUuid)) return new Set();
      const rows = await db.select({ id: safetyBlocks.tutorId }).from(safetyBlocks).where(and(eq(safetyBlocks.studentId, studentId), anyOf(safetyBlocks.tutorId, tutorIds)));
      return new Set(rows.map((r) => r.id));
    },
    async blocksOf(studentId: string): Promise<{ tutorId: string; createdAt: Date }[]> {
      return db.select({ tutorId: safetyBlocks.tutorId, createdAt: safetyBlocks.createdAt }).from(safetyBlocks).where(eq(safetyBlocks.studentId, studentId)).orderBy(desc(safetyBlocks.createdAt));
    },
  };
}
export type SafetyRepo = ReturnType<typeof createSafetyRepo>;
