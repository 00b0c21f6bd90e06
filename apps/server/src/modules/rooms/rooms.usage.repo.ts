import { and, gte, lt, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { tutoringSessions } from './rooms.schema';

/** Instant-help sessions of these students that started in the range (usage reports, through index.ts; #16). */
export async function instantSessionsOfStudents(q: Db | Tx, studentIds: readonly string[], range: { since: Date; until: Date }): Promise<{ id: string; studentId: string; startedAt: Date; endedAt: Date | null }[]> {
  const ids = [...new Set(studentIds)];
  if (!ids.length) return [];
  return q
    .select({ id: tutoringSessions.id, studentId: tutoringSessions.studentId, startedAt: tutoringSessions.startedAt, endedAt: tutoringSessions.endedAt })
    .from(tutoringSessions)
    .where(and(sql`${tutoringSessions.kind} = 'instant'`, sql`${tutoringSessions.studentId} = any(${sql.param(ids)}::uuid[])`, gte(tutoringSessions.startedAt, range.since), lt(tutoringSessions.startedAt, range.until)));
}
