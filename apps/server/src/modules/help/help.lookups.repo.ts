import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { questions, tutorHelpStats } from './help.schema';

/**
 * What other modules may read of questions, through index.ts (#14): who asked each and when (billing finds the
 * payment that paid for an answered question), in the caller's transaction when it passes one.
 */
const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

export async function questionsAsked(q: Db | Tx, ids: readonly string[]): Promise<{ id: string; studentId: string; askedAt: Date }[]> {
  const wanted = [...new Set(ids)].filter(isUuid);
  if (!wanted.length) return [];
  return q.select({ id: questions.id, studentId: questions.studentId, askedAt: questions.createdAt }).from(questions).where(sql`${questions.id} = any(${sql.param(wanted)}::uuid[])`);
}

/** These tutors' instant-help rating figures (tutors without any are left out): rooms shows them, tutors sorts by them. */
export async function helpRatingsOf(q: Db | Tx, tutorIds: readonly string[]): Promise<{ tutorId: string; ratingSum: number; ratingCount: number; acceptedCount: number }[]> {
  const wanted = [...new Set(tutorIds)].filter(isUuid);
  if (!wanted.length) return [];
  return q
    .select({ tutorId: tutorHelpStats.tutorId, ratingSum: tutorHelpStats.ratingSum, ratingCount: tutorHelpStats.ratingCount, acceptedCount: tutorHelpStats.acceptedCount })
    .from(tutorHelpStats)
    .where(sql`${tutorHelpStats.tutorId} = any(${sql.param(wanted)}::uuid[])`);
}
