import { and, asc, desc, eq, isNull, lte, or } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { countInto, deleteFiles, type ErasureCounts, type ErasureRules, type UserEraser } from '../../platform/user-erasure';
import { dataExports, erasureRequests } from './privacy.schema';

export type ErasureRow = typeof erasureRequests.$inferSelect;

/** privacy's own erasure rules (#20, decision 077). */
export const PRIVACY_ERASURE_RULES: ErasureRules = {
  data_exports: { rule: 'erase', what: "the user's exports, rows and ZIP files (also those a guardian asked for)" },
  erasure_requests: { rule: 'keep_pseudonymised', why: 'the proof that the account was erased when asked: ids, times and counts per table, never what was removed' },
};

/** Not held by an erase run: never claimed, or the claim of a run that crashed has run out. */
const unclaimed = (now: Date) => or(isNull(erasureRequests.claimedUntil), lte(erasureRequests.claimedUntil, now));

/** The erasure requests: the only code that touches erasure_requests. */
export function createErasureRepo(db: Db) {
  return {
    async latestOf(userId: string): Promise<ErasureRow | undefined> {
      const [row] = await db.select().from(erasureRequests).where(eq(erasureRequests.userId, userId)).orderBy(desc(erasureRequests.requestedAt)).limit(1);
      return row;
    },
    async pendingOf(userId: string): Promise<ErasureRow | undefined> {
      const [row] = await db.select().from(erasureRequests).where(and(eq(erasureRequests.userId, userId), eq(erasureRequests.status, 'pending')));
      return row;
    },
    async byId(id: string): Promise<ErasureRow | undefined> {
      const [row] = await db.select().from(erasureRequests).where(eq(erasureRequests.id, id));
      return row;
    },
    /** Null when a pending request of this user already exists (the one-pending index). */
    async insertPending(tx: Db | Tx, values: { id: string; userId: string; requestedBy: string; requestedAt: Date; effectiveAt: Date }): Promise<ErasureRow | null> {
      const [row] = await tx
        .insert(erasureRequests)
        .values({ ...values, status: 'pending' })
        .onConflictDoNothing()
        .returning();
      return row ?? null;
    },
    /** pending → cancelled; null when it was no longer pending, or an erase run holds it (too late to cancel). */
    async cancel(userId: string, by: string, at: Date): Promise<ErasureRow | null> {
      const [row] = await db
        .update(erasureRequests)
        .set({ status: 'cancelled', cancelledAt: at, cancelledBy: by })
        .where(and(eq(erasureRequests.userId, userId), eq(erasureRequests.status, 'pending'), unclaimed(at)))
        .returning();
      return row ?? null;
    },
    /** Holds a pending request for one erase run until `until`; null when it is not pending or another run holds it. */
    async claim(id: string, now: Date, until: Date): Promise<ErasureRow | null> {
      const [row] = await db
        .update(erasureRequests)
        .set({ claimedUntil: until })
        .where(and(eq(erasureRequests.id, id), eq(erasureRequests.status, 'pending'), unclaimed(now)))
        .returning();
      return row ?? null;
    },
    /** Lets go of a run's claim (it failed; the next run starts again). */
    async release(id: string): Promise<void> {
      await db.update(erasureRequests).set({ claimedUntil: null }).where(eq(erasureRequests.id, id));
    },
    /** Pending requests whose grace period is over and that no run holds, oldest first. */
    async due(now: Date, limit: number): Promise<{ id: string }[]> {
      return db
        .select({ id: erasureRequests.id })
        .from(erasureRequests)
        .where(and(eq(erasureRequests.status, 'pending'), lte(erasureRequests.effectiveAt, now), unclaimed(now)))
        .orderBy(asc(erasureRequests.effectiveAt))
        .limit(limit);
    },
    /** pending → done with the counts; false when it was no longer pending. */
    async markDone(id: string, at: Date, counts: Record<string, ErasureCounts>): Promise<boolean> {
      const rows = await db
        .update(erasureRequests)
        .set({ status: 'done', doneAt: at, counts, claimedUntil: null })
        .where(and(eq(erasureRequests.id, id), eq(erasureRequests.status, 'pending')))
        .returning({ id: erasureRequests.id });
      return rows.length > 0;
    },
  };
}
export type ErasureRepo = ReturnType<typeof createErasureRepo>;

/** privacy's eraser: the user's exports, rows and ZIPs. */
export function createPrivacyErasure(deps: { db: Db; deleteFile(key: string): Promise<void> }): UserEraser {
  const { db } = deps;
  return {
    module: 'privacy',
    async eraseFor(userId) {
      const counts: ErasureCounts = {};
      const rows = await db.select({ id: dataExports.id, key: dataExports.storageKey }).from(dataExports).where(eq(dataExports.userId, userId));
      // Every export's ZIP key, whatever its state: a failed build may have left a file behind.
      await deleteFiles(counts, rows.map((r) => r.key ?? `exports/${r.id}.zip`), deps.deleteFile);
      countInto(counts, 'data_exports', (await db.delete(dataExports).where(eq(dataExports.userId, userId)).returning({ id: dataExports.id })).length);
      return counts;
    },
  };
}
