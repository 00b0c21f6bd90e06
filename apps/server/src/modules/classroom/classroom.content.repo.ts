import { and, asc, desc, eq, gt, inArray, lte, or } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import { classroomBoardUpdates, classroomBoards, classroomMessages, classroomPollBallots, classroomPollVotes, classroomPolls } from './classroom.schema';

export type MessageRow = typeof classroomMessages.$inferSelect;
export type PollRow = typeof classroomPolls.$inferSelect;

/** The classroom's content: chat, board and polls. */
export function createClassroomContentRepo(db: Db) {
  return {
    /** Stores a message once per client id: a resend returns the stored one. */
    async insertMessage(values: typeof classroomMessages.$inferInsert): Promise<MessageRow> {
      const [row] = await db.insert(classroomMessages).values(values).onConflictDoNothing().returning();
      if (row) return row;
      const [existing] = await db
        .select()
        .from(classroomMessages)
        .where(and(eq(classroomMessages.classId, values.classId), eq(classroomMessages.senderId, values.senderId), eq(classroomMessages.clientId, values.clientId)))
        .limit(1);
      return existing!;
    },
    /** Messages after an id, newest `limit` of them, oldest first; `everything` for the teacher, else public ones and the reader's own questions. */
    async messagesAfter(classId: string, afterId: number, reader: { userId: string; everything: boolean }, limit: number): Promise<MessageRow[]> {
      const visible = reader.everything ? undefined : or(eq(classroomMessages.toTeacher, false), eq(classroomMessages.senderId, reader.userId));
      const rows = await db
        .select()
        .from(classroomMessages)
        .where(and(eq(classroomMessages.classId, classId), gt(classroomMessages.id, afterId), visible))
        .orderBy(desc(classroomMessages.id))
        .limit(limit);
      return rows.reverse();
    },

    async boardParts(classId: string): Promise<{ state: Uint8Array | null; updates: Uint8Array[] }> {
      const [board] = await db.select({ state: classroomBoards.state }).from(classroomBoards).where(eq(classroomBoards.classId, classId)).limit(1);
      const updates = await db.select({ update: classroomBoardUpdates.update }).from(classroomBoardUpdates).where(eq(classroomBoardUpdates.classId, classId)).orderBy(asc(classroomBoardUpdates.id));
      return { state: board?.state ?? null, updates: updates.map((u) => u.update) };
    },
    async appendBoardUpdate(classId: string, update: Uint8Array, at: Date) {
      await db.insert(classroomBoardUpdates).values({ classId, update, createdAt: at });
    },
    /** Folds the update log into the stored state, under a lock on the board row (as the 1:1 room's board). */
    async compactBoard(classId: string, merge: (parts: Uint8Array[]) => Uint8Array, empty: Uint8Array, at: Date) {
      await db.transaction(async (tx) => {
        await tx.insert(classroomBoards).values({ classId, state: empty, updatedAt: at }).onConflictDoNothing();
        const [board] = await tx.select({ state: classroomBoards.state }).from(classroomBoards).where(eq(classroomBoards.classId, classId)).for('update');
        const updates = await tx.select({ id: classroomBoardUpdates.id, update: classroomBoardUpdates.update }).from(classroomBoardUpdates).where(eq(classroomBoardUpdates.classId, classId)).orderBy(asc(classroomBoardUpdates.id));
        if (!updates.length) return;
        const last = updates[updates.length - 1]!.id;
        await tx.update(classroomBoards).set({ state: merge([board!.state, ...updates.map((u) => u.update)]), updatedAt: at }).where(eq(classroomBoards.classId, classId));
        await tx.delete(classroomBoardUpdates).where(and(eq(classroomBoardUpdates.classId, classId), lte(classroomBoardUpdates.id, last)));
      });
    },

    async insertPoll(values: typeof classroomPolls.$inferInsert): Promise<PollRow> {
      const [row] = await db.insert(classroomPolls).values(values).returning();
      return row!;
    },
    async poll(classId: string, pollId: string): Promise<PollRow | undefined> {
      const [row] = await db.select().from(classroomPolls).where(and(eq(classroomPolls.classId, classId), eq(classroomPolls.id, pollId))).limit(1);
      return row;
    },
    async polls(classId: string): Promise<PollRow[]> {
      return db.select().from(classroomPolls).where(eq(classroomPolls.classId, classId)).orderBy(asc(classroomPolls.seq));
    },
    async updatePoll(pollId: string, patch: Partial<Pick<PollRow, 'status' | 'shared' | 'closedAt'>>): Promise<PollRow> {
      const [row] = await db.update(classroomPolls).set(patch).where(eq(classroomPolls.id, pollId)).returning();
      return row!;
    },
    /**
     * Casts one ballot: the ballot row (who voted) and the choices (with the voter only in a named poll) commit together;
     * false when this user had already voted.
     */
    async castVote(poll: PollRow, userId: string, choices: number[], at: Date): Promise<boolean> {
      return db.transaction(async (tx) => {
        const [ballot] = await tx.insert(classroomPollBallots).values({ pollId: poll.id, userId, castAt: at }).onConflictDoNothing().returning();
        if (!ballot) return false;
        await tx.insert(classroomPollVotes).values({ pollId: poll.id, voterId: poll.anonymous ? null : userId, choices });
        return true;
      });
    },
    async votes(pollIds: string[]): Promise<{ pollId: string; voterId: string | null; choices: number[] }[]> {
      if (!pollIds.length) return [];
      return db.select({ pollId: classroomPollVotes.pollId, voterId: classroomPollVotes.voterId, choices: classroomPollVotes.choices }).from(classroomPollVotes).where(inArray(classroomPollVotes.pollId, pollIds)).orderBy(asc(classroomPollVotes.id));
    },
    async ballotsOf(userId: string, pollIds: string[]): Promise<Set<string>> {
      if (!pollIds.length) return new Set();
      const rows = await db.select({ pollId: classroomPollBallots.pollId }).from(classroomPollBallots).where(and(eq(classroomPollBallots.userId, userId), inArray(classroomPollBallots.pollId, pollIds)));
      return new Set(rows.map((r) => r.pollId));
    },
  };
}
export type ClassroomContentRepo = ReturnType<typeof createClassroomContentRepo>;
