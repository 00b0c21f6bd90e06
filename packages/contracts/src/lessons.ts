import { z } from 'zod';
import { bookingOutcomes, bookingStatuses } from './scheduling';

/** A booked lesson's live room (issue #6): opening it, and what its booking looks like from the room's side. */
export { LESSON_TIMES } from './plain';

/** POST /api/bookings/:id/room: the session both parties meet in (the same one for both, however often asked). */
export const lessonRoomSchema = z.object({ sessionId: z.string() });
export type LessonRoom = z.infer<typeof lessonRoomSchema>;

/** GET /api/bookings/:id/room: when the room opens and closes, and the session once someone opened it. */
export const lessonRoomViewSchema = z.object({
  bookingId: z.string(),
  status: z.enum(bookingStatuses),
  outcome: z.enum(bookingOutcomes).nullable(),
  start: z.string(),
  end: z.string(),
  roomOpensAt: z.string(),
  roomClosesAt: z.string(),
  /** Whether POST …/room would let you in now. */
  open: z.boolean(),
  sessionId: z.string().nullable(),
  settledAt: z.string().nullable(),
});
export type LessonRoomView = z.infer<typeof lessonRoomViewSchema>;
