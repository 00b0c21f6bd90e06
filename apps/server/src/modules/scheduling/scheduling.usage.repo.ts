import { and, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { bookings } from './scheduling.schema';

/** Completed lessons of these students that started in the range (usage reports, through index.ts; #16). */
export async function completedLessonsOfStudents(q: Db | Tx, studentIds: readonly string[], range: { since: Date; until: Date }): Promise<{ id: string; studentId: string; startsAt: Date; endsAt: Date }[]> {
  const ids = [...new Set(studentIds)];
  if (!ids.length) return [];
  return q
    .select({ id: bookings.id, studentId: bookings.studentId, startsAt: bookings.startsAt, endsAt: bookings.endsAt })
    .from(bookings)
    .where(and(eq(bookings.status, 'completed'), sql`${bookings.studentId} = any(${sql.param(ids)}::uuid[])`, gte(bookings.startsAt, range.since), lt(bookings.startsAt, range.until)));
}
