import { randomUUID } from 'node:crypto';
import type { Db } from '../../platform/db';
import type { Logger } from '../../platform/logger';
import { bookings } from './scheduling.schema';

/**
 * Past lessons for the demo (development seed, #17): completed bookings, so the demo's recommendations have history
 * to learn from. Called only on a database the demo seed has just filled; the caller spaces the times so that no two
 * lessons of one tutor overlap (the exclusion constraint would refuse them).
 */
export async function seedDemoLessonHistory(db: Db, lessons: readonly { tutorId: string; studentId: string; startsAt: Date; minutes: number }[], logger: Logger): Promise<number> {
  if (!lessons.length) return 0;
  await db.insert(bookings).values(
    lessons.map((l) => {
      const endsAt = new Date(l.startsAt.getTime() + l.minutes * 60_000);
      return { tutorId: l.tutorId, studentId: l.studentId, startsAt: l.startsAt, endsAt, status: 'completed' as const, idempotencyKey: randomUUID(), createdAt: l.startsAt, priceMinor: 0, currency: 'INR', confirmedAt: l.startsAt, outcome: 'completed' as const, settledAt: endsAt };
    }),
  );
  logger.info({ event: 'demo_lessons_seeded', lessons: lessons.length }, 'demo lesson history seeded');
  return lessons.length;
}
