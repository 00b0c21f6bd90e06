import { and, asc, desc, eq, lte } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { dataExports } from './privacy.schema';

export type ExportRow = typeof dataExports.$inferSelect;

/** The only code that touches privacy's tables. */
export function createPrivacyRepo(db: Db) {
  return {
    async exportsOf(userId: string): Promise<ExportRow[]> {
      return db.select().from(dataExports).where(eq(dataExports.userId, userId)).orderBy(desc(dataExports.requestedAt));
    },
    async byId(id: string): Promise<ExportRow | undefined> {
      const [row] = await db.select().from(dataExports).where(eq(dataExports.id, id));
      return row;
    },
    /** Null when another pending export of this user won the race (the one-pending index). */
    async insertPending(tx: Db | Tx, values: { id: string; userId: string; requestedBy: string; requestedAt: Date }): Promise<ExportRow | null> {
      const [row] = await tx
        .insert(dataExports)
        .values({ ...values, status: 'pending' })
        .onConflictDoNothing()
        .returning();
      return row ?? null;
    },
    /** pending → ready; false when it was no longer pending. */
    async markReady(tx: Db | Tx, id: string, values: { readyAt: Date; expiresAt: Date; storageKey: string; bytes: number }): Promise<boolean> {
      const rows = await tx
        .update(dataExports)
        .set({ status: 'ready', ...values })
        .where(and(eq(dataExports.id, id), eq(dataExports.status, 'pending')))
        .returning({ id: dataExports.id });
      return rows.length > 0;
    },
    async markFailed(id: string, error: string): Promise<void> {
      await db
        .update(dataExports)
        .set({ status: 'failed', error: error.slice(0, 500) })
        .where(and(eq(dataExports.id, id), eq(dataExports.status, 'pending')));
    },
    /** Ready exports whose link has expired, oldest first. */
    async expiredBy(now: Date, limit: number): Promise<ExportRow[]> {
      return db
        .select()
        .from(dataExports)
        .where(and(eq(dataExports.status, 'ready'), lte(dataExports.expiresAt, now)))
        .orderBy(asc(dataExports.expiresAt))
        .limit(limit);
    },
    async markExpired(id: string): Promise<boolean> {
      const rows = await db
        .update(dataExports)
        .set({ status: 'expired', storageKey: null })
        .where(and(eq(dataExports.id, id), eq(dataExports.status, 'ready')))
        .returning({ id: dataExports.id });
      return rows.length > 0;
    },
  };
}
export type PrivacyRepo = ReturnType<typeof createPrivacyRepo>;
