import type { Tx } from '../../platform/db';
import { defineEvent } from '../../platform/events';
import type { LessonOutcome } from './scheduling.lessons.rules';

/** A booked lesson was settled; emitted inside the settling transaction, so a listener's job exists if and only if the outcome does. */
export const LESSON_SETTLED = defineEvent<{ tx: Tx; bookingId: string; studentId: string; tutorId: string; outcome: LessonOutcome; at: Date }>('scheduling.lesson_settled');
