import { asc, eq, or } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import type { UserExportSource } from '../../platform/user-export';
import { bookings } from './scheduling.schema';

/** scheduling's share of a user's export (#20): the lessons they booked or taught. */
export function createSchedulingExport(db: Db): UserExportSource {
  return {
    module: 'scheduling',
    async exportFor(userId) {
      const rows = await db
        .select()
        .from(bookings)
        .where(or(eq(bookings.studentId, userId), eq(bookings.tutorId, userId)))
        .orderBy(asc(bookings.startsAt));
      const lessons = rows.map((b) => ({
        id: b.id,
        role: b.studentId === userId ? 'student' : 'tutor',
        studentId: b.studentId,
        tutorId: b.tutorId,
        startsAt: b.startsAt,
        endsAt: b.endsAt,
        status: b.status,
        outcome: b.outcome,
        subjectId: b.subjectId,
        level: b.level,
        priceMinor: b.priceMinor,
        currency: b.currency,
        createdAt: b.createdAt,
        confirmedAt: b.confirmedAt,
        cancelledAt: b.cancelledAt,
      }));
      return { json: { lessons }, files: [] };
    },
  };
}
