import { describe, expect, it } from 'vitest';
import { waitingStatus } from './waiting-status';

const asked = '2026-12-07T10:00:00.000Z';
const at = (seconds: number) => Date.parse(asked) + seconds * 1000;
const iso = (seconds: number) => new Date(at(seconds)).toISOString();
const question = (over: Partial<Parameters<typeof waitingStatus>[0]> = {}) => ({
  createdAt: asked,
  expiresAt: iso(600),
  nextWaveAt: asked,
  notifiedCount: 0,
  waitingTutors: 0,
  ...over,
});

describe('waitingStatus', () => {
  it('looks for tutors until the first wave has looked', () => {
    expect(waitingStatus(question(), at(0))).toEqual({ title: 'Looking for tutors…', nobodyReachable: false, next: null });
  });

  it('never says "0 tutors notified … more will be asked" when nobody can be: it says no tutor is online', () => {
    // The first wave told nobody and nobody waits for a later one (the only tutors are offline).
    const s = waitingStatus(question({ nextWaveAt: iso(15) }), at(3));
    expect(s).toEqual({ title: 'No tutor is online for this right now', nobodyReachable: true, next: null });
  });

  it('counts down to the next wave only while some tutor is waiting for it', () => {
    expect(waitingStatus(question({ nextWaveAt: iso(15), notifiedCount: 20, waitingTutors: 40 }), at(3)).next).toBe('More tutors will be asked in 0:12.');
    expect(waitingStatus(question({ nextWaveAt: iso(15), notifiedCount: 20, waitingTutors: 0 }), at(3)).next).toBe('Every matching tutor who is online has been asked.');
    // Held back or cooling down, nobody told yet: still looking, with the countdown.
    expect(waitingStatus(question({ nextWaveAt: iso(15), waitingTutors: 3 }), at(3))).toEqual({ title: 'Looking for tutors…', nobodyReachable: false, next: 'More tutors will be asked in 0:12.' });
  });

  it('says time is up at expiry', () => {
    expect(waitingStatus(question({ nextWaveAt: null, notifiedCount: 2 }), at(600))).toEqual({ title: 'Time is up, checking…', nobodyReachable: false, next: null });
  });
});
