import { and, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { schema } from '../../platform/db';

const { tutoringSessions, users, tutorHelpStats } = schema;
export type SessionRow = typeof tutoringSessions.$inferSelect;

export function createRoomsRepo(db: Db) {
  return {
    /** Creates the session for a claim; a repeat for the same question returns the existing one. */
    async createForQuestion(tx: Tx, values: { studentId: string; tutorId: string; questionId: string; startedAt: Date }): Promise<SessionRow> {
      const [row] = await tx
        .insert(tutoringSessions)
        .values({ kind: 'instant', ...values })
        .onConflictDoNothing({ target: tutoringSessions.questionId })
        .returning();
      if (row) return row;
      const [existing] = await tx.select().from(tutoringSessions).where(eq(tutoringSessions.questionId, values.questionId)).limit(1);
      return existing!;
    },

    async find(id: string) {
      const [row] = await db.select().from(tutoringSessions).where(eq(tutoringSessions.id, id)).limit(1);
      return row;
    },

    async findWithPeople(id: string) {
      const [row] = await db
        .select({
          session: tutoringSessions,
          studentName: sql<string>`(select display_name from ${users} where id = ${tutoringSessions.studentId})`,
          tutorName: sql<string>`(select display_name from ${users} where id = ${tutoringSessions.tutorId})`,
          ratingSum: tutorHelpStats.ratingSum,
          ratingCount: tutorHelpStats.ratingCount,
        })
        .from(tutoringSessions)
        .leftJoin(tutorHelpStats, eq(tutorHelpStats.tutorId, tutoringSessions.tutorId))
        .where(eq(tutoringSessions.id, id))
        .limit(1);
      return row;
    },

    async end(id: string, now: Date, tx: Db | Tx = db) {
      const [row] = await tx
        .update(tutoringSessions)
        .set({ status: 'ended', endedAt: now })
        .where(and(eq(tutoringSessions.id, id), eq(tutoringSessions.status, 'active')))
        .returning();
      return row;
    },
  };
}
export type RoomsRepo = ReturnType<typeof createRoomsRepo>;
