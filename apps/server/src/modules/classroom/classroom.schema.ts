import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, integer, jsonb, pgSequence, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { bytea } from '../../platform/db/columns';
import { users } from '../identity/identity.schema';

/**
 * classroom: the live classroom's control-plane state, per class (issue #15). The class itself belongs to the classes
 * module, reached only through the CLASS_ACCESS port, so class_id has no foreign key here.
 */

/** Locks, spotlight, pen and end: one row per class, created when someone first joins. */
export const classroomStates = pgTable('classroom_states', {
  classId: uuid('class_id').primaryKey(),
  micsLocked: boolean('mics_locked').notNull().default(false),
  camerasLocked: boolean('cameras_locked').notNull().default(false),
  chatLocked: boolean('chat_locked').notNull().default(false),
  boardLocked: boolean('board_locked').notNull().default(false),
  spotlightUserId: uuid('spotlight_user_id').references(() => users.id),
  penUserId: uuid('pen_user_id').references(() => users.id),
  endedAt: timestamp('ended_at', { withTimezone: true }),
  /** The recording running now (the recordings module's id) and since when; both null while not recorded. */
  recordingId: uuid('recording_id'),
  recordingSince: timestamp('recording_since', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

/** Orders raised hands across nodes and restarts: a hand's place is the number it drew. */
export const classroomHandSeq = pgSequence('classroom_hand_seq');

/** Everyone who reached the classroom: role, lobby admission, removal, microphone and camera, hand. */
export const classroomParticipants = pgTable(
  'classroom_participants',
  {
    classId: uuid('class_id').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    role: text('role', { enum: ['teacher', 'learner', 'observer'] }).notNull(),
    admission: text('admission', { enum: ['waiting', 'admitted', 'refused'] }).notNull(),
    audioMuted: boolean('audio_muted').notNull(),
    videoStopped: boolean('video_stopped').notNull(),
    /** The teacher muted them: their own unmute is refused until the teacher allows it. */
    audioHeld: boolean('audio_held').notNull().default(false),
    videoHeld: boolean('video_held').notNull().default(false),
    handRaisedAt: timestamp('hand_raised_at', { withTimezone: true }),
    handOrder: bigint('hand_order', { mode: 'number' }),
    removedAt: timestamp('removed_at', { withTimezone: true }),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull(),
    waitingSince: timestamp('waiting_since', { withTimezone: true }),
    /** A minor without guardian consent on file when they last joined: never in the class's recordings. */
    leftOutOfRecording: boolean('left_out_of_recording').notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.classId, t.userId] })],
);

/** Chat to the whole class, and private questions to the teacher. (class, sender, client_id) makes a resend the same message. */
export const classroomMessages = pgTable(
  'classroom_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    classId: uuid('class_id').notNull(),
    senderId: uuid('sender_id')
      .notNull()
      .references(() => users.id),
    clientId: uuid('client_id').notNull(),
    body: text('body').notNull(),
    toTeacher: boolean('to_teacher').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('classroom_messages_client_key').on(t.classId, t.senderId, t.clientId), index('classroom_messages_class_idx').on(t.classId, t.id)],
);

/** The class's board: a compacted Yjs state plus the updates since (as the 1:1 room's board). */
export const classroomBoards = pgTable('classroom_boards', {
  classId: uuid('class_id').primaryKey(),
  state: bytea('state').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});
export const classroomBoardUpdates = pgTable(
  'classroom_board_updates',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    classId: uuid('class_id').notNull(),
    update: bytea('update').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('classroom_board_updates_class_idx').on(t.classId, t.id)],
);

export const classroomPolls = pgTable(
  'classroom_polls',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Creation order (two polls may share an instant). */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    classId: uuid('class_id').notNull(),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
    question: text('question').notNull(),
    options: jsonb('options').$type<string[]>().notNull(),
    multiple: boolean('multiple').notNull(),
    anonymous: boolean('anonymous').notNull(),
    status: text('status', { enum: ['open', 'closed'] }).notNull(),
    shared: boolean('shared').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [index('classroom_polls_class_idx').on(t.classId, t.seq)],
);

/** Who has voted (one ballot each): kept apart from the choices, so an anonymous poll's choices carry no voter. */
export const classroomPollBallots = pgTable(
  'classroom_poll_ballots',
  {
    pollId: uuid('poll_id')
      .notNull()
      .references(() => classroomPolls.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    castAt: timestamp('cast_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.userId] })],
);
export const classroomPollVotes = pgTable(
  'classroom_poll_votes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    pollId: uuid('poll_id')
      .notNull()
      .references(() => classroomPolls.id),
    /** Null in an anonymous poll. */
    voterId: uuid('voter_id').references(() => users.id),
    choices: jsonb('choices').$type<number[]>().notNull(),
  },
  (t) => [index('classroom_poll_votes_poll_idx').on(t.pollId)],
);

/** The classroom's timeline for admins: joins, leaves, lobby, moderation, hands, polls, end. */
export const classroomEvents = pgTable(
  'classroom_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    classId: uuid('class_id').notNull(),
    userId: uuid('user_id').references(() => users.id),
    type: text('type').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('classroom_events_class_idx').on(t.classId, t.at)],
);

/**
 * Breakout rooms (decision 050): one row per split. At most one open (closed_at null) per class, held by the database.
 * A group's id is also its chat and board scope: its messages and board rows carry the group's id as class_id.
 */
export const classroomBreakouts = pgTable(
  'classroom_breakouts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    classId: uuid('class_id').notNull(),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    /** The group the teacher is in now; null is the main room. */
    visitingGroupId: uuid('visiting_group_id'),
    broadcast: text('broadcast'),
    broadcastAt: timestamp('broadcast_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    closedBy: text('closed_by', { enum: ['teacher', 'timer', 'ended'] }),
  },
  (t) => [uniqueIndex('classroom_breakouts_one_open').on(t.classId).where(sql`closed_at is null`), index('classroom_breakouts_class_idx').on(t.classId, t.startedAt)],
);
export const classroomBreakoutGroups = pgTable(
  'classroom_breakout_groups',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    breakoutId: uuid('breakout_id')
      .notNull()
      .references(() => classroomBreakouts.id),
    number: integer('number').notNull(),
  },
  (t) => [uniqueIndex('classroom_breakout_groups_number_key').on(t.breakoutId, t.number)],
);
/** Who is in which group: a learner is in one group of a split at most (the key). */
export const classroomBreakoutMembers = pgTable(
  'classroom_breakout_members',
  {
    breakoutId: uuid('breakout_id')
      .notNull()
      .references(() => classroomBreakouts.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    groupId: uuid('group_id')
      .notNull()
      .references(() => classroomBreakoutGroups.id),
  },
  (t) => [primaryKey({ columns: [t.breakoutId, t.userId] })],
);
