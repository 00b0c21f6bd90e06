import { and, eq, ne } from 'drizzle-orm';
import type { Db } from '../../platform/db';
import { countInto, DELETED_MESSAGE_BODY, type ErasureCounts, type ErasureRules, type UserEraser } from '../../platform/user-erasure';
import {
  classroomBreakoutMembers,
  classroomEvents,
  classroomMessages,
  classroomParticipants,
  classroomPollBallots,
  classroomPollVotes,
  classroomStates,
} from './classroom.schema';

/** classroom's erasure rules (#20, decision 077). */
export const CLASSROOM_ERASURE_RULES: ErasureRules = {
  classroom_participants: { rule: 'erase', what: "the user's place in each class room (admission, hand, mute state)" },
  classroom_messages: { rule: 'anonymise', what: "the user's class chat lines stay for the class as 'Message from a deleted user'" },
  classroom_events: { rule: 'erase', what: "the user's class call events" },
  classroom_poll_ballots: { rule: 'erase', what: 'whether the user voted' },
  classroom_poll_votes: { rule: 'anonymise', what: "the user's votes stay in the totals without their id" },
  classroom_breakout_members: { rule: 'erase', what: "the user's breakout groups" },
  classroom_states: { rule: 'anonymise', what: 'the spotlight and the pen let go of the user' },
  classroom_polls: { rule: 'keep_pseudonymised', why: "the teacher's polls; created_by names the teacher by id" },
  classroom_breakouts: { rule: 'keep_pseudonymised', why: 'breakout rounds; created_by names the teacher by id' },
  classroom_breakout_groups: { rule: 'no_personal_data', why: 'group numbers of a breakout round' },
  classroom_boards: { rule: 'keep_pseudonymised', why: "the class's shared board: the whole class's work, naming no one" },
  classroom_board_updates: { rule: 'keep_pseudonymised', why: "updates to the class's shared board, naming no one" },
};

export function createClassroomErasure(deps: { db: Db }): UserEraser {
  const { db } = deps;
  return {
    module: 'classroom',
    async eraseFor(userId) {
      const counts: ErasureCounts = {};
      const lines = await db.update(classroomMessages).set({ body: DELETED_MESSAGE_BODY }).where(and(eq(classroomMessages.senderId, userId), ne(classroomMessages.body, DELETED_MESSAGE_BODY))).returning({ id: classroomMessages.id });
      countInto(counts, 'classroom_messages', lines.length);
      countInto(counts, 'classroom_events', (await db.delete(classroomEvents).where(eq(classroomEvents.userId, userId)).returning({ id: classroomEvents.id })).length);
      countInto(counts, 'classroom_poll_ballots', (await db.delete(classroomPollBallots).where(eq(classroomPollBallots.userId, userId)).returning({ id: classroomPollBallots.pollId })).length);
      countInto(counts, 'classroom_poll_votes', (await db.update(classroomPollVotes).set({ voterId: null }).where(eq(classroomPollVotes.voterId, userId)).returning({ id: classroomPollVotes.id })).length);
      countInto(counts, 'classroom_breakout_members', (await db.delete(classroomBreakoutMembers).where(eq(classroomBreakoutMembers.userId, userId)).returning({ id: classroomBreakoutMembers.userId })).length);
      await db.update(classroomStates).set({ spotlightUserId: null }).where(eq(classroomStates.spotlightUserId, userId));
      const states = await db.update(classroomStates).set({ penUserId: null }).where(eq(classroomStates.penUserId, userId)).returning({ id: classroomStates.classId });
      countInto(counts, 'classroom_states', states.length);
      countInto(counts, 'classroom_participants', (await db.delete(classroomParticipants).where(eq(classroomParticipants.userId, userId)).returning({ id: classroomParticipants.userId })).length);
      return counts;
    },
  };
}
