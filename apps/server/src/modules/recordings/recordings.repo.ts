import { and, asc, desc, eq, gt, lt, lte, or } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { type RecordingFile, recordings } from './recordings.schema';

export type RecordingRow = typeof recordings.$inferSelect;

export function createRecordingsRepo(db: Db) {
  return {
    async insert(values: typeof recordings.$inferInsert): Promise<RecordingRow> {
      const [row] = await db.insert(recordings).values(values).returning();
      return row!;
    },
    async byId(id: string): Promise<RecordingRow | null> {
      const [row] = await db.select().from(recordings).where(eq(recordings.id, id));
      return row ?? null;
    },
    async byRoomRef(roomRef: string): Promise<RecordingRow[]> {
      return db.select().from(recordings).where(eq(recordings.roomRef, roomRef)).orderBy(desc(recordings.createdAt)).limit(100);
    },
    /** Moves a running recording to converting; false when it was not running (a second stop). */
    async markStopped(tx: Tx, id: string, stoppedAt: Date): Promise<boolean> {
      const rows = await tx.update(recordings).set({ status: 'converting', stoppedAt }).where(and(eq(recordings.id, id), eq(recordings.status, 'recording'))).returning({ status: recordings.status });
      return rows.length > 0;
    },
    async markReady(id: string, files: RecordingFile[], durationMs: number): Promise<void> {
      await db.update(recordings).set({ status: 'ready', files, durationMs, error: null }).where(eq(recordings.id, id));
    },
    async markFailed(id: string, error: string): Promise<void> {
      await db.update(recordings).set({ status: 'failed', error }).where(eq(recordings.id, id));
    },
    async remove(id: string): Promise<boolean> {
      return (await db.delete(recordings).where(eq(recordings.id, id)).returning({ id: recordings.id })).length > 0;
    },
    /** Recordings past their delete_after, or made before `before` (a shortened schedule), by id after `after`. */
    async expired(cut: { now: Date; before: Date }, after: string | undefined, limit: number): Promise<RecordingRow[]> {
      return db
        .select()
        .from(recordings)
        .where(and(or(lte(recordings.deleteAfter, cut.now), lt(recordings.createdAt, cut.before)), after ? gt(recordings.id, after) : undefined))
        .orderBy(asc(recordings.id))
        .limit(limit);
    },
    transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      return db.transaction(fn);
    },
  };
}
export type RecordingsRepo = ReturnType<typeof createRecordingsRepo>;
