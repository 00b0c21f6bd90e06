import { and, desc, eq, gte, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '../../platform/db';
import { sessionRatings, tutoringSessions } from './rooms.schema';

/** One session of a student as their guardian sees it (issue #20): tutor, length, the tutor's note, the student's rating. */
export interface StudentSessionView {
  id: string;
  kind: 'instant' | 'booking';
  tutorId: string;
  startedAt: Date;
  endedAt: Date | null;
  tutorNote: string | null;
  studentStars: number | null;
}

/** A student's sessions (instant help and booked lessons) started since `since`, newest first, at most `limit`. */
export async function sessionsOfStudent(q: Db | Tx, studentId: string, since: Date, limit = 100): Promise<StudentSessionView[]> {
  const byTutor = alias(sessionRatings, 'by_tutor');
  const byStudent = alias(sessionRatings, 'by_student');
  return q
    .select({
      id: tutoringSessions.id,
      kind: tutoringSessions.kind,
      tutorId: tutoringSessions.tutorId,
      startedAt: tutoringSessions.startedAt,
      endedAt: tutoringSessions.endedAt,
      tutorNote: byTutor.comment,
      studentStars: byStudent.stars,
    })
    .from(tutoringSessions)
    .leftJoin(byTutor, and(eq(byTutor.sessionId, tutoringSessions.id), sql`${byTutor.raterRole} = 'tutor'`))
    .leftJoin(byStudent, and(eq(byStudent.sessionId, tutoringSessions.id), sql`${byStudent.raterRole} = 'student'`))
    .where(and(eq(tutoringSessions.studentId, studentId), gte(tutoringSessions.startedAt, since)))
    .orderBy(desc(tutoringSessions.startedAt))
    .limit(limit);
}
