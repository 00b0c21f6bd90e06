import { eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { ltiRegistrations, ltiXapiStatements } from './lti.schema';

/** The xAPI outbox's rows (lti_xapi_statements); the send jobs themselves are in the jobs table. */
export function createXapiRepo(db: Db) {
  return {
    db,
    /** Inserts the statements not made before; returns the ids of the new ones (to enqueue in the same transaction). */
    async insertNew(tx: Tx, rows: (typeof ltiXapiStatements.$inferInsert)[]): Promise<string[]> {
      if (!rows.length) return [];
      const made = await tx.insert(ltiXapiStatements).values(rows).onConflictDoNothing().returning({ id: ltiXapiStatements.id });
      return made.map((m) => m.id);
    },
    async statementWithSettings(id: string) {
      const [row] = await db
        .select({ id: ltiXapiStatements.id, statement: ltiXapiStatements.statement, sentAt: ltiXapiStatements.sentAt, settings: ltiRegistrations.settings, registrationId: ltiRegistrations.id })
        .from(ltiXapiStatements)
        .innerJoin(ltiRegistrations, eq(ltiRegistrations.id, ltiXapiStatements.registrationId))
        .where(eq(ltiXapiStatements.id, id))
        .limit(1);
      return row;
    },
    async markSent(id: string, at: Date): Promise<void> {
      await db.update(ltiXapiStatements).set({ sentAt: at }).where(eq(ltiXapiStatements.id, id));
    },
    async counts(courseId: string) {
      const [row] = await db
        .select({ made: sql<number>`count(*)`, sent: sql<number>`count(${ltiXapiStatements.sentAt})` })
        .from(ltiXapiStatements)
        .where(eq(ltiXapiStatements.courseId, courseId));
      return { made: Number(row?.made ?? 0), sent: Number(row?.sent ?? 0) };
    },
  };
}
export type XapiRepo = ReturnType<typeof createXapiRepo>;
