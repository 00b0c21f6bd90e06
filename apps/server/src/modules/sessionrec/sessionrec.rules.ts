/**
 * Consent to record a 1:1 session (issue #15, decision 056): a table of state × event → state. Either participant
 * asks; only the other may agree or refuse; an unanswered question lapses at `expiresAt`; once both agree the server
 * starts Janus (starting → recording, or back to off when it cannot); either participant stops it at any time
 * (withdrawing consent), and the asker may take back an unanswered question. Pure: the time is passed in.
 */
export type RecStatus = 'off' | 'asked' | 'starting' | 'recording';

export type RecState =
  | { status: 'off' }
  | { status: 'asked'; askedBy: string; expiresAt: Date }
  | { status: 'starting'; askedBy: string }
  | { status: 'recording'; since: Date };

export type RecEvent =
  | { type: 'ask'; by: string }
  | { type: 'agree'; by: string }
  | { type: 'refuse'; by: string }
  | { type: 'expire' }
  | { type: 'started' }
  | { type: 'start_failed' }
  | { type: 'stop'; by: string };

/** What the service does after a transition. */
export type RecEffect = 'ask_other' | 'start_recording' | 'refused' | 'expired' | 'withdrawn' | 'recording' | 'failed' | 'stop_recording';

export type RecRefusal = 'already_asked' | 'already_recording' | 'busy' | 'nothing_asked' | 'own_question' | 'not_recording';

export type RecTransition = { ok: true; next: RecState; effect: RecEffect } | { ok: false; reason: RecRefusal };

const to = (next: RecState, effect: RecEffect): RecTransition => ({ ok: true, next, effect });
const no = (reason: RecRefusal): RecTransition => ({ ok: false, reason });
const off: RecState = { status: 'off' };

/** `askTtlMs`: how long the other participant has to answer. */
export function transition(state: RecState, event: RecEvent, now: Date, askTtlMs: number): RecTransition {
  switch (state.status) {
    case 'off':
      if (event.type === 'ask') return to({ status: 'asked', askedBy: event.by, expiresAt: new Date(now.getTime() + askTtlMs) }, 'ask_other');
      if (event.type === 'stop') return no('not_recording');
      return no(event.type === 'started' || event.type === 'start_failed' ? 'not_recording' : 'nothing_asked');
    case 'asked': {
      const lapsed = now.getTime() >= state.expiresAt.getTime();
      switch (event.type) {
        case 'ask':
          return lapsed ? to({ status: 'asked', askedBy: event.by, expiresAt: new Date(now.getTime() + askTtlMs) }, 'ask_other') : no('already_asked');
        case 'agree':
          if (event.by === state.askedBy) return no('own_question');
          return lapsed ? to(off, 'expired') : to({ status: 'starting', askedBy: state.askedBy }, 'start_recording');
        case 'refuse':
          if (event.by === state.askedBy) return no('own_question');
          return to(off, lapsed ? 'expired' : 'refused');
        case 'expire':
          return lapsed ? to(off, 'expired') : no('already_asked');
        case 'stop':
          // The asker takes the question back; the other participant refuses with `refuse`.
          return event.by === state.askedBy ? to(off, 'withdrawn') : no('own_question');
        case 'started':
        case 'start_failed':
          return no('nothing_asked');
      }
      break;
    }
    case 'starting':
      if (event.type === 'started') return to({ status: 'recording', since: now }, 'recording');
      if (event.type === 'start_failed') return to(off, 'failed');
      return no('busy');
    case 'recording':
      if (event.type === 'stop') return to(off, 'stop_recording');
      if (event.type === 'ask' || event.type === 'agree') return no('already_recording');
      return no(event.type === 'refuse' || event.type === 'expire' ? 'already_recording' : 'busy');
  }
  return no('busy');
}
