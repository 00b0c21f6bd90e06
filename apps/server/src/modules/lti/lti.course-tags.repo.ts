import { and, eq, isNull } from 'drizzle-orm';
import type { Tx } from '../../platform/db';
import type { ClassCourses } from '../classes';
import type { HelpCourses } from '../help';
import { ltiCourseMembers } from './lti.schema';

/**
 * Questions asked from a course's "Instant help" item and seats taken from its class or series item are tagged with
 * the course by help and classes (#16), which ask here, inside their own transaction, whether the learner is an
 * active member. The member's row is locked (FOR UPDATE), like a tagged booking's, so a roster sync marking the
 * learner gone either comes first (refused) or waits for the tag.
 */
export function createCourseMemberships() {
  return {
    async isActiveMember(tx: Tx, courseId: string, userId: string): Promise<boolean> {
      const m = ltiCourseMembers;
      const [member] = await tx
        .select({ userId: m.userId })
        .from(m)
        .where(and(eq(m.courseId, courseId), eq(m.userId, userId), isNull(m.leftAt)))
        .limit(1)
        .for('update');
      return member !== undefined;
    },
  } satisfies HelpCourses & ClassCourses;
}

/** Without LTI (production with no SIGNING_SECRET) no one is in a course: a question or seat naming one is refused. */
export const noCourseMemberships: HelpCourses & ClassCourses = { isActiveMember: async () => false };
