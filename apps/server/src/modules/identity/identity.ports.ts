import { definePort } from '../../platform/ports';
import type { Fail } from '../../platform/result';

/** A guardian's limit that refuses an ask or a booking, with the words to show (issue #20). */
export type GuardianLimitRefusal = Fail<'guardian_limit', { kind: 'outside_allowed_hours' | 'spending_limit'; message: string }>;

/**
 * The guardian's limits on a student (allowed hours in the student's zone, a monthly spending limit), which help
 * calls on ask and scheduling on book. Declared here because both consume identity; the guardians module provides it.
 */
export interface GuardianLimits {
  check(studentId: string, act: { action: 'ask' | 'book'; at: Date; priceMinor: number }): Promise<{ ok: true } | GuardianLimitRefusal>;
}
export const GUARDIAN_LIMITS = definePort<GuardianLimits>('identity.guardianLimits', 'the guardians module (tutorline-guardians)');
