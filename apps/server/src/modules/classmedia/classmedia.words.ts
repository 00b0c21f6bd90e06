import type { ClassMediaError } from '@tutorline/contracts';
import type { MediaRefusal } from './classmedia.service';

/** The words for every media refusal (decision 039's one table per module). */
export const classMediaWords = {
  media_unavailable: 'Live classes need the media server, which is not running right now.',
  no_media_yet: 'Nobody is sending video or sound yet.',
  not_publishing: 'Start your camera or microphone first.',
  not_receiving: 'Start receiving the class first.',
  media_refused: 'The media server refused that; trying again may help.',
  too_often: 'Too many reports: send connection stats at most every 2 seconds.',
  screen_not_allowed: 'Ask the teacher for permission to share your screen.',
  screen_taken: 'Someone else is sharing their screen; wait until they stop.',
  not_joined: 'Join the class first.',
  removed: 'You were removed from this class.',
  class_ended: 'This class has ended.',
  teacher_only: 'Only the teacher can do that.',
} satisfies Record<MediaRefusal, string>;

export const mediaError = (code: MediaRefusal): { ok: false; error: ClassMediaError } => ({ ok: false, error: { code, message: classMediaWords[code] } });
