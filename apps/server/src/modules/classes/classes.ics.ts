import { notFound } from '../../platform/errors';
import type { AuthUser } from '../identity';
import { type CalendarEntry, renderCalendar } from '../scheduling';
import type { ClassRow, ClassesRepo } from './classes.repo';

/** A class as a calendar event: a stable UID per class, the sequence bumped when cancelled. */
export function classEntry(c: ClassRow, publicUrl: string): CalendarEntry {
  const cancelled = c.status === 'cancelled';
  return {
    uid: `class-${c.id}`,
    sequence: cancelled ? 1 : 0,
    start: c.startsAt,
    end: c.endsAt,
    cancelled,
    summary: `Tutorline class: ${c.title}`,
    description: cancelled ? 'This class was cancelled.' : 'Join from Tutorline: the class room opens 10 minutes before the start.',
    url: `${publicUrl}/classes/${c.id}`,
    stamp: c.cancelledAt ?? c.createdAt,
  };
}

/** One class's .ics, for its tutor and enrolled learners; and the classes a user's calendar feed carries. */
export function createClassCalendar(deps: { repo: ClassesRepo; publicUrl: string }) {
  const { repo, publicUrl } = deps;
  return {
    async invite(caller: AuthUser, classId: string): Promise<string> {
      const c = await repo.findById(classId);
      if (!c || (c.tutorId !== caller.id && !(await repo.liveEnrolment(repo.db, classId, caller.id)))) throw notFound('That class');
      return renderCalendar('Tutorline class', [classEntry(c, publicUrl)]);
    },
    async feedEntries(userId: string, from: Date, to: Date): Promise<CalendarEntry[]> {
      return (await repo.feedClasses(userId, from, to)).map((c) => classEntry(c, publicUrl));
    },
  };
}
