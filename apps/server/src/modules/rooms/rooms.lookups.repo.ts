import { and, asc, eq, lt, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { tutoringSessions } from './rooms.schema';

/**
 * What other modules may read of tutoring sessions, through index.ts (#14): batch reads by tutor, in the caller's
 * transaction when it passes one. Scheduling counts instant sessions in progress as busy; help offers nothing to a
 * tutor in a session.
 */
const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
const byTutor = (ids: readonly string[]) => sql`${tutoringSessions.tutorId} = any(${sql.param([...new Set(ids)].filter(isUuid))}::uuid[])`;

/** These tutors' instant-help sessions in progress (kind 'instant', still active), with their start. */
export async function instantSessionsInProgress(q: Db | Tx, tutorIds: readonly string[]): Promise<{ tutorId: string; startedAt: Date }[]> {
  if (!tutorIds.some(isUuid)) return [];
  return q
    .select({ tutorId: tutoringSessions.tutorId, startedAt: tutoringSessions.startedAt })
    .from(tutoringSessions)
    .where(and(byTutor(tutorIds), eq(tutoringSessions.status, 'active'), eq(tutoringSessions.kind, 'instant')));
}

/** Which of these tutors are in an open session of any kind (instant or a booked lesson). */
export async function tutorsInSession(q: Db | Tx, tutorIds: readonly string[]): Promise<Set<string>> {
  if (!tutorIds.some(isUuid)) return new Set();
  const rows = await q.selectDistinct({ tutorId: tutoringSessions.tutorId }).from(tutoringSessions).where(and(byTutor(tutorIds), eq(tutoringSessions.status, 'active')));
  return new Set(rows.map((r) => r.tutorId));
}

/** When each of these sessions started and ended (open ones: no end), for the length of a help session (#17). */
export async function sessionSpansOf(q: Db | Tx, sessionIds: readonly string[]): Promise<{ id: string; startedAt: Date; endedAt: Date | null }[]> {
  const wanted = [...new Set(sessionIds)].filter(isUuid);
  if (!wanted.length) return [];
  return q
    .select({ id: tutoringSessions.id, startedAt: tutoringSessions.startedAt, endedAt: tutoringSessions.endedAt })
    .from(tutoringSessions)
    .where(sql`${tutoringSessions.id} = any(${sql.param(wanted)}::uuid[])`);
}

/** Sessions still open that started before `before`, oldest first (#20: safety looks for minors' calls running long). */
export async function openSessionsStartedBefore(q: Db | Tx, before: Date, limit: number): Promise<{ id: string; kind: string; studentId: string; tutorId: string; bookingId: string | null; startedAt: Date }[]> {
  const s = tutoringSessions;
  return q
    .select({ id: s.id, kind: s.kind, studentId: s.studentId, tutorId: s.tutorId, bookingId: s.bookingId, startedAt: s.startedAt })
    .from(s)
    .where(and(eq(s.status, 'active'), lt(s.startedAt, before)))
    .orderBy(asc(s.startedAt))
    .limit(limit);
}

/** The user's latest session as student or tutor (#20: WhatsApp's REPORT names the other person in it), or undefined. */
export async function lastSessionOf(q: Db | Tx, userId: string): Promise<{ id: string; studentId: string; tutorId: string } | undefined> {
  if (!isUuid(userId)) return undefined;
  const [row] = await q
    .select({ id: tutoringSessions.id, studentId: tutoringSessions.studentId, tutorId: tutoringSessions.tutorId })
    .from(tutoringSessions)
    .where(sql`${tutoringSessions.studentId} = ${userId} or ${tutoringSessions.tutorId} = ${userId}`)
    .orderBy(sql`${tutoringSessions.startedAt} desc`)
    .limit(1);
  return row;
}
