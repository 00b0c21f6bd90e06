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

/**
 * Screening a tutor's bio for contact details before it is saved (#20): students read it, most of them minors. The
 * safety module provides it (it keeps the attempt and counts it toward its repeat flag); `message` names what was
 * found by category, never the value.
 */
export interface TutorBioScreen {
  screenBio(tutorId: string, bio: string): Promise<{ ok: true } | { ok: false; categories: string[]; message: string }>;
}
export const TUTOR_BIO_SCREEN = definePort<TutorBioScreen>('identity.tutorBioScreen', 'the safety module (tutorline-safety)');
