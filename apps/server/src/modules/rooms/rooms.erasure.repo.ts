import { and, eq, inArray, isNotNull, ne, or } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import type { Logger } from '../../platform/logger';
import { countInto, DELETED_MESSAGE_BODY, type ErasureCounts, type ErasureRules, type UserEraser } from '../../platform/user-erasure';
import type { PhotoService } from '../media';
import { callEvents, roomBoards, roomBoardUpdates, roomMessages, roomPhotos, sessionChatReads, sessionRatings, tutoringSessions } from './rooms.schema';

/** rooms' erasure rules (#20, decision 077). */
export const ROOMS_ERASURE_RULES: ErasureRules = {
  tutoring_sessions: { rule: 'keep_pseudonymised', why: "the other party keeps a record that the session happened (ids and times only); lessons and payouts refer to it" },
  room_messages: { rule: 'anonymise', what: "the user's messages stay in the other party's chat as 'Message from a deleted user', without their photo" },
  room_photos: { rule: 'erase', what: 'the chat photos the user sent, rows and files' },
  room_boards: { rule: 'erase', what: "the boards of the user's sessions (drawn together, so they cannot be split by author)" },
  room_board_updates: { rule: 'erase', what: "the board updates of the user's sessions" },
  call_events: { rule: 'erase', what: "the user's call events (devices, networks, quality)" },
  session_together: { rule: 'keep_pseudonymised', why: 'when both parties were in the room (times only): the session length the tutor was paid for' },
  session_ratings: { rule: 'anonymise', what: 'the stars stay (a tutor\'s rating); comments written by or about the user are cleared' },
  session_chat_reads: { rule: 'erase', what: "the user's read markers" },
};

/** rooms' eraser: the user's chat lines and photos, the boards and call events of their sessions, rating comments. */
export function createRoomsErasure(deps: { db: Db; photos: Pick<PhotoService, 'remove'>; logger: Logger }): UserEraser {
  const { db, photos, logger } = deps;
  return {
    module: 'rooms',
    async eraseFor(userId) {
      const counts: ErasureCounts = {};
      const lines = await db
        .update(roomMessages)
        .set({ body: DELETED_MESSAGE_BODY, photoId: null })
        .where(and(eq(roomMessages.senderId, userId), or(ne(roomMessages.body, DELETED_MESSAGE_BODY), isNotNull(roomMessages.photoId))))
        .returning({ id: roomMessages.id });
      countInto(counts, 'room_messages', lines.length);
      // Another sender's line may show the user's photo only if it was forwarded; it loses the photo too.
      const mine = db.select({ id: roomPhotos.id }).from(roomPhotos).where(eq(roomPhotos.ownerId, userId));
      await db.update(roomMessages).set({ photoId: null }).where(inArray(roomMessages.photoId, mine));
      const gone = await db.delete(roomPhotos).where(eq(roomPhotos.ownerId, userId)).returning({ id: roomPhotos.id, key: roomPhotos.storageKey, thumbKey: roomPhotos.thumbKey });
      for (const p of gone) {
        try {
          await photos.remove({ key: p.key, thumbKey: p.thumbKey });
          countInto(counts, 'files', 2);
        } catch (err) {
          logger.error({ err, event: 'erasure_file_delete_failed', module: 'rooms', photoId: p.id }, 'could not delete a chat photo file');
          throw err;
        }
      }
      countInto(counts, 'room_photos', gone.length);
      const sessions = db.select({ id: tutoringSessions.id }).from(tutoringSessions).where(or(eq(tutoringSessions.studentId, userId), eq(tutoringSessions.tutorId, userId)));
      countInto(counts, 'room_board_updates', (await db.delete(roomBoardUpdates).where(inArray(roomBoardUpdates.sessionId, sessions)).returning({ id: roomBoardUpdates.id })).length);
      countInto(counts, 'room_boards', (await db.delete(roomBoards).where(inArray(roomBoards.sessionId, sessions)).returning({ id: roomBoards.sessionId })).length);
      countInto(counts, 'call_events', (await db.delete(callEvents).where(eq(callEvents.userId, userId)).returning({ id: callEvents.id })).length);
      const rated = await db
        .update(sessionRatings)
        .set({ comment: null })
        .where(and(or(eq(sessionRatings.raterId, userId), eq(sessionRatings.rateeId, userId)), isNotNull(sessionRatings.comment)))
        .returning({ id: sessionRatings.sessionId });
      countInto(counts, 'session_ratings', rated.length);
      countInto(counts, 'session_chat_reads', (await db.delete(sessionChatReads).where(eq(sessionChatReads.userId, userId)).returning({ id: sessionChatReads.sessionId })).length);
      return counts;
    },
  };
}
