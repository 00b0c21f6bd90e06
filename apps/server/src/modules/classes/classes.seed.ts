import type { Db } from '../../platform/db';
import type { Logger } from '../../platform/logger';
import * as time from '../../platform/time';
import { tutorSubjectsOf } from '../identity';
import { createClassesRepo, type NewClassRow } from './classes.repo';

const demo = [
  { inDays: 2, time: '18:00', title: 'Exam warm-up: practice problems together', minutes: 60, capacity: 30, priceMinor: 0, lobby: false },
  { inDays: 3, time: '17:30', title: 'Concept clinic: bring your hardest question', minutes: 90, capacity: 12, priceMinor: 0, lobby: true },
  { inDays: 5, time: '19:00', title: 'Revision sprint before the mid-terms', minutes: 60, capacity: 20, priceMinor: 29_900, lobby: false },
];

/**
 * Demo classes (development seed): the first demo tutors each get one upcoming class in a subject they teach, when they
 * have none ahead; run on every start, so a data folder seeded weeks ago still shows classes to enrol in.
 */
export async function seedDemoClasses(db: Db, tutors: readonly { id: string; timeZone: string }[], now: Date, logger: Logger): Promise<number> {
  const repo = createClassesRepo(db);
  const teaching = await tutorSubjectsOf(db, tutors.map((t) => t.id));
  const rows: NewClassRow[] = [];
  for (const [i, t] of tutors.slice(0, demo.length).entries()) {
    const d = demo[i]!;
    const subject = teaching.find((s) => s.tutorId === t.id);
    if (!subject || (await repo.ofTutor(t.id, now)).length > 0) continue;
    const zone = time.isValidTimeZone(t.timeZone) ? t.timeZone : 'UTC';
    const startsAt = time.zonedToInstant(time.addDaysLocal(time.instantToZoned(now, zone).date, d.inDays), d.time, zone);
    rows.push({
      tutorId: t.id,
      subjectId: subject.subjectId,
      level: subject.level,
      title: `${subject.subjectName}: ${d.title}`,
      description: 'A live group class: short explanations, then problems worked through together. Questions welcome in the chat.',
      language: 'English',
      startsAt,
      endsAt: new Date(startsAt.getTime() + d.minutes * 60_000),
      timeZone: zone,
      capacity: d.capacity,
      priceMinor: d.priceMinor,
      currency: 'INR',
      lobby: d.lobby,
      status: 'scheduled',
      seriesId: null,
      createdAt: now,
    });
  }
  if (rows.length) {
    await repo.insertClasses(db, rows);
    logger.info({ event: 'demo_classes_seeded', classes: rows.length }, 'demo classes seeded');
  }
  return rows.length;
}
