import type { ServerToClientEvents } from '@tutorline/contracts';
import type { Tx } from '../../platform/db';
import { defineEvent } from '../../platform/events';
import { definePort } from '../../platform/ports';
import type { HelpBilling } from './help.service';

/** One of help's realtime events, as sent to these users' open apps (WhatsApp mirrors them to the users' numbers). */
export type HelpUserEvent = {
  [E in keyof ServerToClientEvents]: { userIds: string[]; event: E; payload: Parameters<ServerToClientEvents[E]>[0] };
}[keyof ServerToClientEvents];

/** Emitted after help sent an event to users' apps; a failing listener is logged, never the sender's problem. */
export const HELP_USER_EVENT = defineEvent<HelpUserEvent>('help.user_event');

/** A student rated the answer to their question; emitted inside the rating's transaction (LTI grades listen). */
export const QUESTION_RATED = defineEvent<{ tx: Tx; questionId: string; studentId: string; tutorId: string | null; stars: number; at: Date }>('help.question_rated');

/** What billing does inside help's transactions (credits, question earnings): help calls it, billing provides it. */
export const HELP_BILLING = definePort<HelpBilling>('help.billing', 'the billing module (tutorline-billing)');

/** Tutors this student's questions must not reach (#20): blocked by the student, or alerts held pending a safety review. */
export interface HelpSafety {
  withheldTutors(studentId: string, tutorIds: readonly string[]): Promise<Set<string>>;
}
export const HELP_SAFETY = definePort<HelpSafety>('help.safety', 'the safety module (tutorline-safety)');

/**
 * The LMS course a question is asked in (#16, an "Instant help" item): whether the student is an active member, asked
 * inside the ask's transaction (the member's row is locked, so a roster sync marking them gone waits). lti provides it.
 */
export interface HelpCourses {
  isActiveMember(tx: Tx, courseId: string, userId: string): Promise<boolean>;
}
export const HELP_COURSES = definePort<HelpCourses>('help.courses', 'the lti module (tutorline-lti)');
