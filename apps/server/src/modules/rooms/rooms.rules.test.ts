import { describe, expect, it } from 'vitest';
import { isAbandoned, type SessionActivity } from './rooms.rules';

const at = (s: string) => new Date(`2026-12-07T${s}Z`);
const grace = 5 * 60_000;
const open: SessionActivity = { kind: 'instant', status: 'active', startedAt: at('10:00:00'), lastActivityAt: at('10:20:00') };

describe('isAbandoned', () => {
  it('is true once nobody is in the room and the last activity is a grace period old', () => {
    expect(isAbandoned(open, false, at('10:24:59'), grace)).toBe(false);
    expect(isAbandoned(open, false, at('10:25:00'), grace)).toBe(true);
  });
  it('counts from the start when nobody ever joined', () => {
    expect(isAbandoned({ ...open, lastActivityAt: null }, false, at('10:04:59'), grace)).toBe(false);
    expect(isAbandoned({ ...open, lastActivityAt: null }, false, at('10:05:00'), grace)).toBe(true);
  });
  it('is never true while someone is in the room, for a booked lesson, or for an ended session', () => {
    expect(isAbandoned(open, true, at('23:00:00'), grace)).toBe(false);
    expect(isAbandoned({ ...open, kind: 'booking' }, false, at('23:00:00'), grace)).toBe(false);
    expect(isAbandoned({ ...open, status: 'ended' }, false, at('23:00:00'), grace)).toBe(false);
  });
});
