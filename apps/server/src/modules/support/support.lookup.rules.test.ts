import type { CallEvent } from '@tutorline/contracts';
import { describe, expect, it } from 'vitest';
import { sessionFindings, sessionSides } from './support.lookup.rules';

const people = { student: { id: 's', displayName: 'Asha' }, tutor: { id: 't', displayName: 'Ravi' } };
let n = 0;
const ev = (userId: string, type: string, data: Record<string, unknown> = {}): CallEvent => ({ id: ++n, at: '2026-12-07T10:00:00.000Z', userId, type, data });

describe('the support session page', () => {
  it("tells each side's candidate types, reconnects, failures and device from its own events", () => {
    const events = [
      ev('s', 'joined'),
      ev('t', 'joined'),
      ev('s', 'diagnostics', { diagnostics: { browser: 'Chrome 120', os: 'Android', device: 'phone' } }),
      ev('s', 'reconnecting', { cause: 'ice-failed' }),
      ev('s', 'media-failed', { reason: 'ice-failed' }),
      ev('t', 'media-connected', { localCandidateType: 'host', remoteCandidateType: 'srflx' }),
      ev('t', 'quality', { sample: { rttMs: 80 } }),
    ];
    const sides = sessionSides(people, events);
    expect(sides[0]).toMatchObject({ role: 'student', candidateTypes: [], reconnects: 1, mediaFailures: 1, lastIceState: 'failed', diagnostics: { browser: 'Chrome 120' } });
    expect(sides[1]).toMatchObject({ role: 'tutor', candidateTypes: ['host', 'srflx'], reconnects: 0, lastIceState: 'connected', lastQuality: { rttMs: 80 } });
    const findings = sessionFindings(sides, events);
    expect(findings).toEqual([
      'Asha (student): ICE failed once, so the connection between the two could not be kept.',
      'Asha (student): the call failed (ice-failed).',
      'Asha (student): joined the room but video and sound never connected.',
    ]);
  });

  it('says when only relay candidates carried the call, and nothing when the call was fine', () => {
    const relay = [ev('s', 'joined'), ev('s', 'media-connected', { localCandidateType: 'relay', remoteCandidateType: 'relay' })];
    expect(sessionFindings(sessionSides(people, relay), relay)).toEqual([expect.stringContaining('Asha (student): only relay candidates worked')]);
    const fine = [ev('s', 'joined'), ev('s', 'media-connected', { localCandidateType: 'host', remoteCandidateType: 'host' })];
    expect(sessionFindings(sessionSides(people, fine), fine)).toEqual([]);
  });
});
