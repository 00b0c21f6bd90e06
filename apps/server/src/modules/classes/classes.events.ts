import type { Tx } from '../../platform/db';
import { defineEvent } from '../../platform/events';

/**
 * A class was settled: who of its enrolled learners came (joined the room at least once). Emitted inside the
 * settling transaction, so a listener's job exists if and only if the settlement does.
 */
export const CLASS_SETTLED = defineEvent<{ tx: Tx; classId: string; tutorId: string; outcome: 'completed' | 'tutor_no_show'; attendedBy: string[]; at: Date }>('classes.class_settled');
