import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import type { JobDef } from '../../platform/jobs';
import { classroomBreakoutGroups, classroomBreakoutMembers, classroomBreakouts } from './classroom.schema';

export type BreakoutRow = typeof classroomBreakouts.$inferSelect;
export interface OpenBreakoutRows {
  row: BreakoutRow;
  groups: { id: string; number: number; userIds: string[] }[];
  /** user → group id */
  members: Map<string, string>;
}

/** Breakout rooms' rows: the split, its groups and members, and the job that closes it at its time. */
export function createBreakoutRepo(db: Db, closeJob: JobDef<{ classId: string; breakoutId: string }>) {
  async function groupsOf(row: BreakoutRow): Promise<OpenBreakoutRows> {
    const groups = await db.select().from(classroomBreakoutGroups).where(eq(classroomBreakoutGroups.breakoutId, row.id)).orderBy(asc(classroomBreakoutGroups.number));
    const members = await db.select().from(classroomBreakoutMembers).where(eq(classroomBreakoutMembers.breakoutId, row.id));
    return {
      row,
      groups: groups.map((g) => ({ id: g.id, number: g.number, userIds: members.filter((m) => m.groupId === g.id).map((m) => m.userId) })),
      members: new Map(members.map((m) => [m.userId, m.groupId])),
    };
  }
  return {
    /** The class's open breakout with its groups, or null. */
    async open(classId: string): Promise<OpenBreakoutRows | null> {
      const [row] = await db
        .select()
        .from(classroomBreakouts)
        .where(and(eq(classroomBreakouts.classId, classId), isNull(classroomBreakouts.closedAt)))
        .limit(1);
      return row ? groupsOf(row) : null;
    },
    /**
     * Stores a split and queues its closing job in one transaction; null when one is already open (the partial unique
     * index decides, so two teachers' tabs starting at once get one split).
     */
    async start(v: { classId: string; createdBy: string; startedAt: Date; endsAt: Date; groups: string[][] }): Promise<OpenBreakoutRows | null> {
      const row = await db.transaction(async (tx) => {
        const [b] = await tx.insert(classroomBreakouts).values({ classId: v.classId, createdBy: v.createdBy, startedAt: v.startedAt, endsAt: v.endsAt }).onConflictDoNothing().returning();
        if (!b) return null;
        const groups = await tx
          .insert(classroomBreakoutGroups)
          .values(v.groups.map((_, i) => ({ breakoutId: b.id, number: i + 1 })))
          .returning();
        const byNumber = new Map(groups.map((g) => [g.number, g.id]));
        await tx.insert(classroomBreakoutMembers).values(v.groups.flatMap((userIds, i) => userIds.map((userId) => ({ breakoutId: b.id, userId, groupId: byNumber.get(i + 1)! }))));
        await closeJob.enqueue(tx, { classId: v.classId, breakoutId: b.id }, { now: v.startedAt, runAt: v.endsAt, dedupeKey: `${closeJob.queue}:${b.id}` });
        return b;
      });
      return row ? groupsOf(row) : null;
    },
    async update(id: string, patch: Partial<Pick<BreakoutRow, 'visitingGroupId' | 'broadcast' | 'broadcastAt'>>): Promise<BreakoutRow | undefined> {
      const [row] = await db
        .update(classroomBreakouts)
        .set(patch)
        .where(and(eq(classroomBreakouts.id, id), isNull(classroomBreakouts.closedAt)))
        .returning();
      return row;
    },
    /** Closes a split once: null when it was closed already (the teacher and the timer may race). */
    async close(id: string, at: Date, by: 'teacher' | 'timer' | 'ended'): Promise<OpenBreakoutRows | null> {
      const [row] = await db
        .update(classroomBreakouts)
        .set({ closedAt: at, closedBy: by })
        .where(and(eq(classroomBreakouts.id, id), isNull(classroomBreakouts.closedAt)))
        .returning();
      return row ? groupsOf(row) : null;
    },
  };
}
export type BreakoutRepo = ReturnType<typeof createBreakoutRepo>;
