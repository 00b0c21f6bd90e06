import { and, eq, gte, isNotNull, lt, sql } from 'drizzle-orm';
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

/** The sessions of the questions asked in this LMS course (#16): a course's usage report counts only these. */
export async function sessionsOfCourse(q: Db | Tx, courseId: string): Promise<string[]> {
  if (!isUuid(courseId)) return [];
  const rows = await q.select({ sessionId: questions.sessionId }).from(questions).where(and(eq(questions.courseId, courseId), isNotNull(questions.sessionId)));
  return rows.flatMap((r) => (r.sessionId ? [r.sessionId] : []));
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

/** An answered question as recommendations learn from it (#17): who helped whom, in what subject, and the stars given. */
export interface AnsweredQuestion {
  studentId: string;
  tutorId: string;
  subjectId: string;
  level: string;
  sessionId: string | null;
  rating: number | null;
  answeredAt: Date;
}

/** Questions (of one student, when given) claimed by a tutor and answered in [since, until). */
export async function answeredQuestionsBetween(q: Db | Tx, range: { since: Date; until: Date; studentId?: string | undefined }): Promise<AnsweredQuestion[]> {
  const rows = await q
    .select({ studentId: questions.studentId, tutorId: questions.claimedBy, subjectId: questions.subjectId, level: questions.level, sessionId: questions.sessionId, rating: questions.rating, answeredAt: questions.answeredAt })
    .from(questions)
    .where(and(isNotNull(questions.claimedBy), isNotNull(questions.answeredAt), gte(questions.answeredAt, range.since), lt(questions.answeredAt, range.until), range.studentId ? eq(questions.studentId, range.studentId) : undefined));
  return rows.flatMap((r) => (r.tutorId && r.answeredAt ? [{ ...r, tutorId: r.tutorId, answeredAt: r.answeredAt }] : []));
}
