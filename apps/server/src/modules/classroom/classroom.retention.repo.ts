import { and, asc, gt, inArray, lt } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import { type RetentionCount, type RetentionCut, removeByScope } from '../../platform/retention';
import { classroomEvents, classroomMessages } from './classroom.schema';

/** Retention of class chat (issue #20): messages older than `cut.before`, per class or breakout group, unless held. */
export async function removeOldClassChat(deps: { db: Db }, cut: RetentionCut): Promise<RetentionCount> {
  const { db } = deps;
  const scopes = async (after: string | undefined, limit: number) =>
    (await db.selectDistinct({ id: classroomMessages.classId }).from(classroomMessages).where(and(lt(classroomMessages.createdAt, cut.before), after ? gt(classroomMessages.classId, after) : undefined)).orderBy(asc(classroomMessages.classId)).limit(limit)).map((r) => r.id);
  return removeByScope(cut, scopes, async (ids) => {
    const gone = await db.delete(classroomMessages).where(and(inArray(classroomMessages.classId, ids), lt(classroomMessages.createdAt, cut.before))).returning({ id: classroomMessages.id });
    return { rows: gone.length, files: 0, bytes: 0, held: 0 };
  });
}

/** Retention of class call diagnostics: the class timeline (joins, media, reconnects…) older than `cut.before`. */
export async function removeOldClassEvents(deps: { db: Db }, cut: RetentionCut): Promise<RetentionCount> {
  const { db } = deps;
  const scopes = async (after: string | undefined, limit: number) =>
    (await db.selectDistinct({ id: classroomEvents.classId }).from(classroomEvents).where(and(lt(classroomEvents.at, cut.before), after ? gt(classroomEvents.classId, after) : undefined)).orderBy(asc(classroomEvents.classId)).limit(limit)).map((r) => r.id);
  return removeByScope(cut, scopes, async (ids) => {
    const gone = await db.delete(classroomEvents).where(and(inArray(classroomEvents.classId, ids), lt(classroomEvents.at, cut.before))).returning({ id: classroomEvents.id });
    return { rows: gone.length, files: 0, bytes: 0, held: 0 };
  });
}
