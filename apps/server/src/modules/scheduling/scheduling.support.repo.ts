import { desc, eq, or } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db';
import { bookings } from './scheduling.schema';

/** A lesson as support's timeline shows it (#18): when, with whom, and how it ended. No price: support sees no money. */
export interface SupportLesson {
  id: string;
  studentId: string;
  tutorId: string;
  status: string;
  outcome: string | null;
  subjectId: string | null;
  startsAt: Date;
  createdAt: Date;
}

/** The newest lessons a person booked or teaches. */
export async function lessonsForSupport(q: Db | Tx, userId: string, limit: number): Promise<SupportLesson[]> {
  return q
    .select({ id: bookings.id, studentId: bookings.studentId, tutorId: bookings.tutorId, status: bookings.status, outcome: bookings.outcome, subjectId: bookings.subjectId, startsAt: bookings.startsAt, createdAt: bookings.createdAt })
    .from(bookings)
    .where(or(eq(bookings.studentId, userId), eq(bookings.tutorId, userId)))
    .orderBy(desc(bookings.createdAt))
    .limit(limit);
}
