import { desc, eq, or, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { callEvents, roomMessages, tutoringSessions } from './rooms.schema';

/** A session as support sees it in a timeline (#18): who, when, and how the call went in counts. */
export interface SupportSessionRow {
  id: string;
  kind: 'instant' | 'booking';
  status: 'active' | 'ended';
  studentId: string;
  tutorId: string;
  questionId: string | null;
  startedAt: Date;
  endedAt: Date | null;
  reconnects: number;
  failures: number;
  relayOnly: boolean;
}

const columns = {
  id: tutoringSessions.id,
  kind: tutoringSessions.kind,
  status: tutoringSessions.status,
  studentId: tutoringSessions.studentId,
  tutorId: tutoringSessions.tutorId,
  questionId: tutoringSessions.questionId,
  startedAt: tutoringSessions.startedAt,
  endedAt: tutoringSessions.endedAt,
  reconnects: sql<number>`(select count(*)::int from ${callEvents} ce where ce.session_id = tutoring_sessions.id and ce.type = 'reconnecting')`,
  failures: sql<number>`(select count(*)::int from ${callEvents} ce where ce.session_id = tutoring_sessions.id and (ce.type = 'media-failed' or (ce.type = 'reconnecting' and ce.data->>'cause' = 'ice-failed')))`,
  relayOnly: sql<boolean>`coalesce((select bool_and(ce.data->>'localCandidateType' = 'relay') from ${callEvents} ce where ce.session_id = tutoring_sessions.id and ce.type = 'media-connected'), false)`,
};
const typed = (r: Omit<SupportSessionRow, 'reconnects' | 'failures' | 'relayOnly'> & { reconnects: unknown; failures: unknown; relayOnly: unknown }): SupportSessionRow => ({
  ...r,
  reconnects: Number(r.reconnects),
  failures: Number(r.failures),
  relayOnly: r.relayOnly === true,
});

/** The newest sessions a person took part in, with their call counts. */
export async function sessionsForSupport(q: Db | Tx, userId: string, limit: number): Promise<SupportSessionRow[]> {
  const rows = await q.select(columns).from(tutoringSessions).where(or(eq(tutoringSessions.studentId, userId), eq(tutoringSessions.tutorId, userId))).orderBy(desc(tutoringSessions.startedAt)).limit(limit);
  return rows.map(typed);
}

/** One session by id, or null. */
export async function sessionForSupport(q: Db | Tx, id: string): Promise<SupportSessionRow | null> {
  const [row] = await q.select(columns).from(tutoringSessions).where(sql`${tutoringSessions.id} = ${id}::uuid`);
  return row ? typed(row) : null;
}

/** How many chat messages a session has (support sees the count, not the words). */
export async function chatCountOf(q: Db | Tx, sessionId: string): Promise<number> {
  const [row] = await q.select({ n: sql<number>`count(*)::int` }).from(roomMessages).where(eq(roomMessages.sessionId, sessionId));
  return Number(row?.n ?? 0);
}
