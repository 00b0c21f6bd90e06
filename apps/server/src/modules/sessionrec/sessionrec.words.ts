import type { SessionRecRefusalCode } from '@tutorline/contracts';

/** What each refusal says to the person who asked (one table, decision 039). */
export const sessionRecWords: Record<SessionRecRefusalCode, string> = {
  validation_failed: 'That request was not understood.',
  not_found: 'That session was not found.',
  not_joined: 'Join the room as a participant first.',
  session_ended: 'This session has ended.',
  media_unavailable: 'Recording needs the media server, which is not running right now. The call goes on as before, unrecorded.',
  not_recordable: 'This session cannot be recorded: a learner under 18 needs a guardian’s consent on file first.',
  already_asked: 'Recording was already asked for; waiting for the answer.',
  already_recording: 'This session is already being recorded.',
  nothing_asked: 'There is no question to record to answer (it may have lapsed). Nothing is recorded.',
  own_question: 'You asked; the other participant answers.',
  not_recording: 'This session is not being recorded.',
  busy: 'Recording is starting; try again in a moment.',
  not_on_sfu: 'This call is not on the media server.',
  no_media_yet: 'The other participant is not sending yet; you will be told when they are.',
  media_refused: 'The media server refused that. Try again.',
  internal_error: 'Something went wrong. Try again.',
};
