import { and, asc, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import { classroomEvents, classroomHandSeq, classroomParticipants, classroomStates } from './classroom.schema';

export type StateRow = typeof classroomStates.$inferSelect;
export type ParticipantRow = typeof classroomParticipants.$inferSelect;
export type StatePatch = Partial<Pick<StateRow, 'micsLocked' | 'camerasLocked' | 'chatLocked' | 'boardLocked' | 'spotlightUserId' | 'penUserId' | 'endedAt' | 'recordingId' | 'recordingSince'>>;
export type ParticipantPatch = Partial<Pick<ParticipantRow, 'role' | 'admission' | 'audioMuted' | 'videoStopped' | 'audioHeld' | 'videoHeld' | 'removedAt' | 'waitingSince'>>;

const one = (classId: string, userId: string) => and(eq(classroomParticipants.classId, classId), eq(classroomParticipants.userId, userId));

/** The classroom's state, its participants and its timeline (the chat, board and polls are in classroom.content.repo.ts). */
export function createClassroomRepo(db: Db) {
  return {
    /** The class's state row, created (all unlocked) on first use. */
    async ensureState(classId: string, at: Date): Promise<StateRow> {
      await db.insert(classroomStates).values({ classId, updatedAt: at }).onConflictDoNothing();
      const [row] = await db.select().from(classroomStates).where(eq(classroomStates.classId, classId)).limit(1);
      return row!;
    },
    async state(classId: string): Promise<StateRow | undefined> {
      const [row] = await db.select().from(classroomStates).where(eq(classroomStates.classId, classId)).limit(1);
      return row;
    },
    async updateState(classId: string, patch: StatePatch, at: Date): Promise<StateRow> {
      const [row] = await db
        .update(classroomStates)
        .set({ ...patch, updatedAt: at })
        .where(eq(classroomStates.classId, classId))
        .returning();
      return row!;
    },
    /** Ends the class once: null when it had already ended. */
    async endOnce(classId: string, at: Date): Promise<StateRow | null> {
      const [row] = await db
        .update(classroomStates)
        .set({ endedAt: at, updatedAt: at, penUserId: null, spotlightUserId: null })
        .where(and(eq(classroomStates.classId, classId), isNull(classroomStates.endedAt)))
        .returning();
      return row ?? null;
    },

    async participant(classId: string, userId: string): Promise<ParticipantRow | undefined> {
      const [row] = await db.select().from(classroomParticipants).where(one(classId, userId)).limit(1);
      return row;
    },
    /** First arrival inserts the row; later ones keep what is stored (admission, mutes, hand) and refresh the role and recording consent. */
    async arrive(values: typeof classroomParticipants.$inferInsert): Promise<ParticipantRow> {
      const [row] = await db
        .insert(classroomParticipants)
        .values(values)
        .onConflictDoUpdate({ target: [classroomParticipants.classId, classroomParticipants.userId], set: { role: values.role, leftOutOfRecording: values.leftOutOfRecording ?? false } })
        .returning();
      return row!;
    },
    async participants(classId: string): Promise<ParticipantRow[]> {
      return db.select().from(classroomParticipants).where(eq(classroomParticipants.classId, classId));
    },
    async updateParticipant(classId: string, userId: string, patch: ParticipantPatch): Promise<ParticipantRow | undefined> {
      const [row] = await db.update(classroomParticipants).set(patch).where(one(classId, userId)).returning();
      return row;
    },
    /** Sets a patch on every learner still in the class (not removed), returning the rows as they are now. */
    async updateLearners(classId: string, patch: ParticipantPatch): Promise<ParticipantRow[]> {
      return db
        .update(classroomParticipants)
        .set(patch)
        .where(and(eq(classroomParticipants.classId, classId), eq(classroomParticipants.role, 'learner'), isNull(classroomParticipants.removedAt)))
        .returning();
    },
    /** Raises a hand once: it draws the next number of a sequence, so the queue's order holds across nodes and restarts. */
    async raiseHand(classId: string, userId: string, at: Date): Promise<ParticipantRow | undefined> {
      const [row] = await db
        .update(classroomParticipants)
        .set({ handRaisedAt: at, handOrder: sql`nextval('${sql.raw(classroomHandSeq.seqName!)}')` })
        .where(and(one(classId, userId), isNull(classroomParticipants.handRaisedAt)))
        .returning();
      return row;
    },
    async lowerHand(classId: string, userId: string): Promise<ParticipantRow | undefined> {
      const [row] = await db
        .update(classroomParticipants)
        .set({ handRaisedAt: null, handOrder: null })
        .where(and(one(classId, userId), isNotNull(classroomParticipants.handRaisedAt)))
        .returning();
      return row;
    },
    async hands(classId: string): Promise<{ userId: string; raisedAt: Date }[]> {
      const rows = await db
        .select({ userId: classroomParticipants.userId, raisedAt: classroomParticipants.handRaisedAt })
        .from(classroomParticipants)
        .where(and(eq(classroomParticipants.classId, classId), isNotNull(classroomParticipants.handRaisedAt), isNull(classroomParticipants.removedAt)))
        .orderBy(asc(classroomParticipants.handOrder));
      return rows.map((r) => ({ userId: r.userId, raisedAt: r.raisedAt! }));
    },

    async recordEvent(classId: string, userId: string | null, type: string, at: Date, data: Record<string, unknown> = {}) {
      await db.insert(classroomEvents).values({ classId, userId, type, at, data });
    },
    async timeline(classId: string) {
      return db.select().from(classroomEvents).where(eq(classroomEvents.classId, classId)).orderBy(asc(classroomEvents.at), asc(classroomEvents.id));
    },
  };
}
export type ClassroomRepo = ReturnType<typeof createClassroomRepo>;
