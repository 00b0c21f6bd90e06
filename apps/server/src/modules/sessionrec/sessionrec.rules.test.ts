import { describe, expect, it } from 'vitest';
import { type RecEvent, type RecState, transition } from './sessionrec.rules';

const now = new Date('2026-12-07T10:00:00Z');
const ttl = 30_000;
const A = 'student-a';
const B = 'tutor-b';
const asked: RecState = { status: 'asked', askedBy: A, expiresAt: new Date(now.getTime() + ttl) };
const lapsed: RecState = { status: 'asked', askedBy: A, expiresAt: now };
const states: Record<string, RecState> = { off: { status: 'off' }, asked, lapsed, starting: { status: 'starting', askedBy: A }, recording: { status: 'recording', since: new Date(now.getTime() - 60_000) } };
const events: Record<string, RecEvent> = {
  'ask by A': { type: 'ask', by: A },
  'ask by B': { type: 'ask', by: B },
  'agree by A': { type: 'agree', by: A },
  'agree by B': { type: 'agree', by: B },
  'refuse by A': { type: 'refuse', by: A },
  'refuse by B': { type: 'refuse', by: B },
  expire: { type: 'expire' },
  started: { type: 'started' },
  'start failed': { type: 'start_failed' },
  'stop by A': { type: 'stop', by: A },
  'stop by B': { type: 'stop', by: B },
};

/** Every allowed pair: the state it leads to and what the service does; every other pair is refused with its reason. */
const allowed: Record<string, [RecState['status'], string]> = {
  'off / ask by A': ['asked', 'ask_other'],
  'off / ask by B': ['asked', 'ask_other'],
  'asked / agree by B': ['starting', 'start_recording'],
  'asked / refuse by B': ['off', 'refused'],
  'asked / stop by A': ['off', 'withdrawn'],
  'lapsed / ask by A': ['asked', 'ask_other'],
  'lapsed / ask by B': ['asked', 'ask_other'],
  'lapsed / agree by B': ['off', 'expired'],
  'lapsed / refuse by B': ['off', 'expired'],
  'lapsed / expire': ['off', 'expired'],
  'lapsed / stop by A': ['off', 'withdrawn'],
  'starting / started': ['recording', 'recording'],
  'starting / start failed': ['off', 'failed'],
  'recording / stop by A': ['off', 'stop_recording'],
  'recording / stop by B': ['off', 'stop_recording'],
};
const refused: Record<string, string> = {
  'asked / ask by A': 'already_asked',
  'asked / ask by B': 'already_asked',
  'asked / agree by A': 'own_question',
  'asked / refuse by A': 'own_question',
  'asked / stop by B': 'own_question',
  'asked / expire': 'already_asked',
  'lapsed / agree by A': 'own_question',
  'lapsed / refuse by A': 'own_question',
  'lapsed / stop by B': 'own_question',
  'recording / ask by A': 'already_recording',
  'recording / agree by B': 'already_recording',
  'recording / refuse by B': 'already_recording',
  'recording / expire': 'already_recording',
  'off / stop by A': 'not_recording',
  'off / started': 'not_recording',
};

describe('recording consent in a 1:1 session (transition)', () => {
  for (const [sName, state] of Object.entries(states))
    for (const [eName, event] of Object.entries(events)) {
      const pair = `${sName} / ${eName}`;
      const want = allowed[pair];
      it(want ? `${pair} → ${want[0]} (${want[1]})` : `refuses ${pair}`, () => {
        const r = transition(state, event, now, ttl);
        if (want) {
          expect(r).toMatchObject({ ok: true, next: { status: want[0] }, effect: want[1] });
        } else {
          expect(r.ok).toBe(false);
          if (refused[pair]) expect(r).toEqual({ ok: false, reason: refused[pair] });
        }
      });
    }

  it('gives the other participant the configured time to answer, and starts the clock of a recording when Janus started', () => {
    expect(transition({ status: 'off' }, { type: 'ask', by: B }, now, ttl)).toEqual({ ok: true, next: { status: 'asked', askedBy: B, expiresAt: new Date(now.getTime() + ttl) }, effect: 'ask_other' });
    expect(transition({ status: 'starting', askedBy: A }, { type: 'started' }, now, ttl)).toEqual({ ok: true, next: { status: 'recording', since: now }, effect: 'recording' });
    // One millisecond before the deadline the answer still counts.
    const justInTime = { status: 'asked' as const, askedBy: A, expiresAt: new Date(now.getTime() + 1) };
    expect(transition(justInTime, { type: 'agree', by: B }, now, ttl)).toMatchObject({ ok: true, effect: 'start_recording' });
  });
});
