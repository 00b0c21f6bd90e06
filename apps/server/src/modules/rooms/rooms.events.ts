import { defineEvent } from '../../platform/events';

/** A session ended (any way but the tutor marking its question answered): help records it, the tutor's status follows. */
export const SESSION_ENDED = defineEvent<{ id: string; questionId: string | null; tutorId: string; endedAt: Date }>('rooms.session_ended');
/** A booked lesson's session opened: its tutor is now busy. */
export const SESSION_OPENED = defineEvent<{ id: string; tutorId: string }>('rooms.session_opened');
