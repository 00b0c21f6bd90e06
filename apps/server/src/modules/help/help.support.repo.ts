import { desc, eq, or, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { questions } from './help.schema';

/** A question as support's timeline shows it (#18). */
export interface SupportQuestion {
  id: string;
  studentId: string;
  claimedBy: string | null;
  subjectId: string;
  level: string;
  status: string;
  closeReason: string | null;
  sessionId: string | null;
  createdAt: Date;
  claimedAt: Date | null;
}

const columns = {
  id: questions.id,
  studentId: questions.studentId,
  claimedBy: questions.claimedBy,
  subjectId: questions.subjectId,
  level: questions.level,
  status: questions.status,
  closeReason: questions.closeReason,
  sessionId: questions.sessionId,
  createdAt: questions.createdAt,
  claimedAt: questions.claimedAt,
};

/** The newest questions a person asked (as a student) or claimed (as a tutor). */
export async function questionsForSupport(q: Db | Tx, userId: string, limit: number): Promise<SupportQuestion[]> {
  return q.select(columns).from(questions).where(or(eq(questions.studentId, userId), eq(questions.claimedBy, userId))).orderBy(desc(questions.createdAt)).limit(limit);
}

/** One question by id, or null. */
export async function questionForSupport(q: Db | Tx, id: string): Promise<SupportQuestion | null> {
  const [row] = await q.select(columns).from(questions).where(sql`${questions.id} = ${id}::uuid`);
  return row ?? null;
}
