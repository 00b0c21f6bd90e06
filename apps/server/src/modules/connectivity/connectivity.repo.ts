import { eq } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import { connectivityReports } from './connectivity.schema';

export type ConnectivityReportRow = typeof connectivityReports.$inferSelect;

export function createConnectivityRepo(db: Db) {
  return {
    /** Inserts a report; undefined when the id is already taken (the caller draws another). */
    async insert(values: { id: string; userId: string | null; overall: ConnectivityReportRow['overall']; results: Record<string, unknown>; ip: string | null; createdAt: Date }) {
      const [row] = await db.insert(connectivityReports).values(values).onConflictDoNothing({ target: connectivityReports.id }).returning();
      return row;
    },

    async find(id: string) {
      const [row] = await db.select().from(connectivityReports).where(eq(connectivityReports.id, id)).limit(1);
      return row;
    },
  };
}
export type ConnectivityRepo = ReturnType<typeof createConnectivityRepo>;
