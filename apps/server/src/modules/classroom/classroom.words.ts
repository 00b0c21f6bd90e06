import type { ClassError, ClassRefusalCode } from '@tutorline/contracts';

/** The words for every classroom refusal (decision 039's one table per module): a new code does not compile without them. */
export const classRefusalWords = {
  validation_failed: 'That message was not understood.',
  rate_limited: 'Too many messages; slow down.',
  internal_error: 'Something went wrong. Trying again…',
  not_joined: 'Join the class first.',
  class_not_found: 'That class was not found.',
  not_enrolled: 'You are not enrolled in this class.',
  not_open_yet: 'The classroom is not open yet: it opens 10 minutes before the start.',
  class_over: 'This class is over.',
  class_cancelled: 'This class was cancelled.',
  class_ended: 'The teacher has ended this class.',
  class_full: 'The classroom is full.',
  removed: 'The teacher removed you from this class.',
  lobby_refused: 'The teacher did not let you in to this class.',
  teacher_only: 'Only the teacher can do that.',
  observer_read_only: 'Observers can watch but not take part.',
  mics_locked: 'The teacher has locked microphones.',
  muted_by_teacher: 'The teacher muted you. Raise your hand to ask to speak.',
  cameras_locked: 'The teacher has locked cameras.',
  camera_stopped_by_teacher: 'The teacher stopped your camera.',
  chat_locked: 'The teacher has locked the chat. You can still ask the teacher privately.',
  board_locked: 'The teacher has locked the board.',
  no_such_participant: 'That person is not in this class.',
  not_a_learner: 'That can be done only to or by a learner.',
  not_waiting: 'That learner is not waiting in the lobby.',
  poll_not_found: 'That poll was not found.',
  poll_closed: 'That poll is closed.',
  already_voted: 'You have already voted in this poll.',
  invalid_choice: 'Choose among the options (one, unless the poll allows several).',
  board_update_invalid: 'That board change could not be read.',
  recording_unavailable: 'The class cannot be recorded right now: recording needs the media server. Try again in a moment.',
} satisfies Record<ClassRefusalCode, string>;

export const classError = (code: ClassRefusalCode): { ok: false; error: ClassError } => ({ ok: false, error: { code, message: classRefusalWords[code] } });
