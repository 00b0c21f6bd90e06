import type { Db, Tx } from '../../platform/db';
import { definePort } from '../../platform/ports';

/**
 * Which learners' data must not reach a school's LMS or LRS (issue #20, COPPA 2025): children whose guardian has not
 * given (or has withdrawn) the separate consent to sharing with third parties. Asked in the caller's transaction.
 */
export interface ChildDataSharing {
  withheld(q: Db | Tx, userIds: readonly string[], now: Date): Promise<Set<string>>;
}
export const LTI_CHILD_SHARING = definePort<ChildDataSharing>('lti.childDataSharing', 'the guardians module (tutorline-guardians)');
