import { eq } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import { countInto, type ErasureRules, type UserEraser } from '../../platform/user-erasure';
import { classAttendance } from './classes.schema';

/** classes' erasure rules (#20, decision 077). */
export const CLASSES_ERASURE_RULES: ErasureRules = {
  classes: { rule: 'keep_pseudonymised', why: "a class that took place and was paid for; the tutor by id, the title and description are the tutor's course text" },
  class_enrolments: { rule: 'keep_pseudonymised', why: 'a paid place in a class: the ledger refers to it (ids, times, status only)' },
  class_attendance: { rule: 'erase', what: "the user's joins and leaves" },
};

export function createClassesErasure(deps: { db: Db }): UserEraser {
  return {
    module: 'classes',
    async eraseFor(userId) {
      return countInto({}, 'class_attendance', (await deps.db.delete(classAttendance).where(eq(classAttendance.userId, userId)).returning({ id: classAttendance.id })).length);
    },
  };
}
