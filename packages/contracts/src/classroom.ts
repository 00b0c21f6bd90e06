import { z } from 'zod';
import { breakoutCommandSchemas, type BreakoutServerEvents, type BreakoutView } from './breakout';
import { type CallEvent, callEventSchema } from './rooms';

/**
 * The live classroom's control plane (issue #15): joining, teacher controls, hands, lobby, polls, chat and the board.
 * Every client event names its class; the server checks the sender's role and the class's stored state for each one.
 */

export const CLASSROOM_LIMITS = {
  chatChars: 2000,
  boardUpdateBytes: 256 * 1024,
  pollOptions: 10,
  pollQuestionChars: 300,
  pollOptionChars: 120,
  historyMessages: 300,
  /** Reactions per socket: a burst, then this many per second. */
  reactionsPerSecond: 1,
  reactionBurst: 3,
} as const;

const id = z.uuid('must be an id');

export type ClassRole = 'teacher' | 'learner' | 'observer';
export const classReactions = ['thumbs-up', 'clap', 'heart', 'laugh', 'surprised', 'question'] as const;
export type ClassReaction = (typeof classReactions)[number];
export const classLocks = ['mics', 'cameras', 'chat', 'board'] as const;
export type ClassLock = (typeof classLocks)[number];

export const classJoinSchema = z.strictObject({
  classId: id,
  /** The last chat message id this client has; only later ones come back. */
  afterMessageId: z.number().int().nonnegative().nullable().optional(),
  /** Yjs state vector of the client's board copy; the reply carries only what it lacks. */
  boardStateVector: z.instanceof(Uint8Array).optional(),
});
export type ClassJoin = z.infer<typeof classJoinSchema>;

export const classRefSchema = z.strictObject({ classId: id });
export const classHandSchema = z.strictObject({ classId: id, raised: z.boolean() });
export const classReactSchema = z.strictObject({ classId: id, reaction: z.enum(classReactions) });
/** A participant's own microphone and camera. Unmuting or starting the camera may be refused (locks, teacher holds). */
export const classMediaSchema = z.strictObject({ classId: id, audioMuted: z.boolean(), videoStopped: z.boolean() });
export const classChatSchema = z.strictObject({
  classId: id,
  clientId: id,
  text: z.string().trim().min(1, 'a message needs text').max(CLASSROOM_LIMITS.chatChars, `at most ${CLASSROOM_LIMITS.chatChars} characters`),
  /** A private question: only the teacher (and the sender) see it. */
  toTeacher: z.boolean().optional(),
});
export type ClassChatInput = z.infer<typeof classChatSchema>;
export const classBoardSchema = z.strictObject({
  classId: id,
  update: z.instanceof(Uint8Array).refine((u) => u.byteLength > 0 && u.byteLength <= CLASSROOM_LIMITS.boardUpdateBytes, `a board update must be 1 to ${CLASSROOM_LIMITS.boardUpdateBytes} bytes`),
});
export const classVoteSchema = z.strictObject({
  classId: id,
  pollId: id,
  choices: z.array(z.number().int().min(0).max(CLASSROOM_LIMITS.pollOptions - 1)).min(1, 'choose at least one option').max(CLASSROOM_LIMITS.pollOptions),
});

export const pollCreateSchema = z.strictObject({
  question: z.string().trim().min(1, 'a poll needs a question').max(CLASSROOM_LIMITS.pollQuestionChars),
  options: z
    .array(z.string().trim().min(1, 'an option needs text').max(CLASSROOM_LIMITS.pollOptionChars))
    .min(2, 'a poll needs at least two options')
    .max(CLASSROOM_LIMITS.pollOptions, `at most ${CLASSROOM_LIMITS.pollOptions} options`),
  multiple: z.boolean(),
  anonymous: z.boolean(),
});
export type PollCreate = z.infer<typeof pollCreateSchema>;

/** The teacher's commands: one event, so one check refuses them all to anyone else. */
export const classCommandSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('mute'), userId: id }),
  z.strictObject({ type: z.literal('mute-all') }),
  /** Lifts the teacher's hold on one learner's microphone or camera; they switch it on themselves. */
  z.strictObject({ type: z.literal('allow'), userId: id, media: z.enum(['audio', 'video']) }),
  z.strictObject({ type: z.literal('stop-camera'), userId: id }),
  z.strictObject({ type: z.literal('lock'), what: z.enum(classLocks), locked: z.boolean() }),
  z.strictObject({ type: z.literal('remove'), userId: id }),
  z.strictObject({ type: z.literal('spotlight'), userId: id.nullable() }),
  z.strictObject({ type: z.literal('pen'), userId: id.nullable() }),
  z.strictObject({ type: z.literal('lower-hand'), userId: id }),
  z.strictObject({ type: z.literal('admit'), userId: id }),
  z.strictObject({ type: z.literal('refuse'), userId: id }),
  z.strictObject({ type: z.literal('poll-create'), poll: pollCreateSchema }),
  z.strictObject({ type: z.literal('poll-close'), pollId: id }),
  z.strictObject({ type: z.literal('poll-share'), pollId: id }),
  z.strictObject({ type: z.literal('end') }),
  ...breakoutCommandSchemas,
  /** Starts or stops recording the class (learners without guardian consent are left out of it). */
  z.strictObject({ type: z.literal('record'), on: z.boolean() }),
]);
export type ClassCommand = z.infer<typeof classCommandSchema>;
export const classControlSchema = z.strictObject({ classId: id, command: classCommandSchema });
export type ClassControl = z.infer<typeof classControlSchema>;

/** Why the server refused something in the classroom: a stable code the client may switch on, with words to show. */
export const classRefusalCodes = [
  'validation_failed',
  'rate_limited',
  'internal_error',
  'not_joined',
  // joining
  'class_not_found',
  'not_enrolled',
  'not_open_yet',
  'class_over',
  'class_cancelled',
  'class_ended',
  'class_full',
  'removed',
  'lobby_refused',
  // commands
  'teacher_only',
  'observer_read_only',
  'mics_locked',
  'muted_by_teacher',
  'cameras_locked',
  'camera_stopped_by_teacher',
  'chat_locked',
  'board_locked',
  'no_such_participant',
  'not_a_learner',
  'not_waiting',
  'poll_not_found',
  'poll_closed',
  'already_voted',
  'invalid_choice',
  'board_update_invalid',
  // breakout rooms
  'breakout_running',
  'no_breakout',
  'breakout_too_few_learners',
  'breakout_learner_twice',
  'breakout_not_a_learner',
  'no_such_group',
  'recording_unavailable',
] as const;
export type ClassRefusalCode = (typeof classRefusalCodes)[number];
export interface ClassError {
  code: ClassRefusalCode;
  message: string;
}
export type ClassAck<T> = ({ ok: true } & T) | { ok: false; error: ClassError };

export interface ClassState {
  micsLocked: boolean;
  camerasLocked: boolean;
  chatLocked: boolean;
  boardLocked: boolean;
  spotlightUserId: string | null;
  penUserId: string | null;
  endedAt: string | null;
  /** When the running recording started; null while the class is not recorded. */
  recordingSince: string | null;
}

export interface ClassParticipant {
  userId: string;
  displayName: string;
  role: ClassRole;
  /** A socket of theirs is in the classroom now. */
  present: boolean;
  /** The teacher removed them: drop them from the list. */
  removed: boolean;
  audioMuted: boolean;
  videoStopped: boolean;
  /** The teacher muted them (or stopped their camera): they may not switch it back on until the teacher allows it. */
  audioHeld: boolean;
  videoHeld: boolean;
  /** When their hand went up; null when it is down. */
  handRaisedAt: string | null;
  /** The media server hears them now. */
  speaking: boolean;
  /** A learner under 18 without a guardian's consent on file: their camera and microphone are never recorded. */
  leftOutOfRecording: boolean;
}

export interface HandEntry {
  userId: string;
  raisedAt: string;
}
export interface LobbyEntry {
  userId: string;
  displayName: string;
  since: string;
}

export interface ClassChatMessage {
  id: number;
  classId: string;
  clientId: string;
  senderId: string;
  senderName: string;
  text: string;
  /** A private question to the teacher. */
  toTeacher: boolean;
  sentAt: string;
}

export interface PollResults {
  /** Votes per option, in the options' order. */
  counts: number[];
  /** How many people voted. */
  voters: number;
  /** Who chose what: named polls, for the teacher only. */
  named?: { userId: string; displayName: string; choices: number[] }[];
}
export interface PollView {
  id: string;
  question: string;
  options: string[];
  multiple: boolean;
  anonymous: boolean;
  status: 'open' | 'closed';
  shared: boolean;
  createdAt: string;
  /** Whether the reader has voted. */
  voted: boolean;
  /** The teacher always; learners once the teacher shares them. */
  results: PollResults | null;
}

export interface ClassInfo {
  classId: string;
  title: string;
  startsAt: string;
  endsAt: string;
  capacity: number;
  lobby: boolean;
}

export type ClassJoined =
  | { status: 'waiting'; class: ClassInfo; self: { userId: string; role: ClassRole } }
  | {
      status: 'joined';
      class: ClassInfo;
      self: { userId: string; role: ClassRole };
      state: ClassState;
      participants: ClassParticipant[];
      hands: HandEntry[];
      /** Learners waiting to be let in: the teacher's list (empty for others). */
      lobby: LobbyEntry[];
      /** Chat after afterMessageId, oldest first; private questions only to the teacher and their sender. */
      messages: ClassChatMessage[];
      board: Uint8Array;
      boardStateVector: Uint8Array;
      polls: PollView[];
      /** Breakout rooms now (null: none); `board` and `messages` above are this user's group's when they are in one. */
      breakout: BreakoutView | null;
    };

type Ack<T = object> = (reply: ClassAck<T>) => void;

export interface ClassroomClientEvents {
  'class:join': (payload: ClassJoin, ack: Ack<ClassJoined>) => void;
  'class:leave': (payload: { classId: string }, ack?: Ack) => void;
  'class:hand': (payload: z.infer<typeof classHandSchema>, ack?: Ack) => void;
  'class:react': (payload: z.infer<typeof classReactSchema>, ack?: Ack) => void;
  'class:media': (payload: z.infer<typeof classMediaSchema>, ack?: Ack) => void;
  'class:chat': (payload: ClassChatInput, ack?: Ack<{ message: ClassChatMessage }>) => void;
  'class:board': (payload: { classId: string; update: Uint8Array }, ack?: Ack) => void;
  'class:vote': (payload: z.infer<typeof classVoteSchema>, ack?: Ack) => void;
  'class:control': (payload: ClassControl, ack?: Ack<{ pollId?: string }>) => void;
}

export interface ClassroomServerEvents extends BreakoutServerEvents {
  'class:state': (payload: { classId: string; state: ClassState }) => void;
  /** Someone's presence, hand, microphone or camera changed. */
  'class:participant': (payload: { classId: string; participant: ClassParticipant }) => void;
  /** The hand queue, oldest first. */
  'class:hands': (payload: { classId: string; hands: HandEntry[] }) => void;
  /** To the teacher: who waits in the lobby. */
  'class:lobby': (payload: { classId: string; waiting: LobbyEntry[] }) => void;
  /** To a waiting learner: join again, you are in. */
  'class:admitted': (payload: { classId: string }) => void;
  'class:refused': (payload: { classId: string }) => void;
  'class:removed': (payload: { classId: string }) => void;
  'class:ended': (payload: { classId: string; endedAt: string }) => void;
  'class:chat': (payload: ClassChatMessage) => void;
  'class:board': (payload: { classId: string; update: Uint8Array }) => void;
  'class:reaction': (payload: { classId: string; userId: string; reaction: ClassReaction }) => void;
  'class:speaking': (payload: { classId: string; userId: string; speaking: boolean }) => void;
  /** A poll was created, closed or shared (results as the reader may see them). */
  'class:poll': (payload: { classId: string; poll: PollView }) => void;
}

export const classRoomOf = (classId: string): string => `classroom:${classId}`;

/** A class's control-plane timeline for admins: joins, leaves, moderation, hands, polls. */
export const classTimelineSchema = z.object({ classId: z.string(), events: z.array(callEventSchema) });
export type ClassTimeline = { classId: string; events: CallEvent[] };

export const pollExportQuerySchema = z.strictObject({ format: z.enum(['json', 'csv']).default('json') });
