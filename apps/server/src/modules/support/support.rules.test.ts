import { ticketStatuses } from '@tutorline/contracts';
import { describe, expect, it } from 'vitest';
import { nextStatus, setStatus, summariseSession, ticketRef, ticketTransitions, type TicketHappening } from './support.rules';

describe('a ticket’s status', () => {
  it('walks the whole transition table: the user writing makes it support’s turn, a reply the user’s, a note changes nothing', () => {
    const happenings: TicketHappening[] = ['user_message', 'staff_reply', 'staff_note'];
    const walked = ticketStatuses.flatMap((s) => happenings.map((h) => `${s} --${h}--> ${nextStatus(s, h)}`));
    expect(walked).toEqual([
      'open --user_message--> open',
      'open --staff_reply--> waiting',
      'open --staff_note--> open',
      'waiting --user_message--> open',
      'waiting --staff_reply--> waiting',
      'waiting --staff_note--> waiting',
      'solved --user_message--> open',
      'solved --staff_reply--> waiting',
      'solved --staff_note--> solved',
    ]);
    expect(Object.keys(ticketTransitions).sort()).toEqual([...ticketStatuses].sort());
  });

  it('lets support set any other status and refuses the same one', () => {
    expect(setStatus('open', 'solved')).toEqual({ ok: true, status: 'solved' });
    expect(setStatus('solved', 'open')).toEqual({ ok: true, status: 'open' });
    expect(setStatus('waiting', 'waiting')).toEqual({ ok: false, reason: 'same_status' });
  });
});

describe('ticket references', () => {
  it('are T- and six characters with no I, L, O or U', () => {
    const ref = ticketRef(new Uint8Array([0, 31, 18, 19, 24, 255]));
    expect(ref).toBe('T-0ZJKRZ');
    for (let i = 0; i < 200; i++) expect(ticketRef(crypto.getRandomValues(new Uint8Array(6)))).toMatch(/^T-[0-9A-HJKMNP-TV-Z]{6}$/);
  });
});

describe('the call summary attached to a ticket', () => {
  it('counts reconnects and failures, lists candidate types, keeps the last quality sample and each side’s browser', () => {
    const at = '2026-12-07T10:00:00.000Z';
    const summary = summariseSession('s1', 312, [
      { id: 1, at, userId: 'a', type: 'joined', data: {} },
      { id: 2, at, userId: 'a', type: 'diagnostics', data: { diagnostics: { browser: 'Chrome 150', os: 'Android 14', device: 'phone', userAgent: 'x' } } },
      { id: 3, at, userId: 'b', type: 'diagnostics', data: { diagnostics: { browser: 'Safari 18', os: 'iOS 18', device: 'phone', userAgent: 'y' } } },
      { id: 4, at, userId: 'a', type: 'media-connected', data: { localCandidateType: 'srflx', remoteCandidateType: 'relay', protocol: 'udp', setupMs: 900 } },
      { id: 5, at, userId: 'a', type: 'quality', data: { sample: { rttMs: 120, loss: 0.01 } } },
      { id: 6, at, userId: 'a', type: 'reconnecting', data: { cause: 'ice-disconnected' } },
      { id: 7, at, userId: 'a', type: 'reconnected', data: { afterMs: 3000, how: 'ice-restart' } },
      { id: 8, at, userId: 'b', type: 'media-failed', data: { reason: 'camera busy' } },
      { id: 9, at, userId: 'a', type: 'quality', data: { sample: { rttMs: 340, loss: 0.08 } } },
    ]);
    expect(summary).toEqual({
      sessionId: 's1',
      connectedSeconds: 312,
      reconnects: 1,
      mediaFailures: 1,
      candidateTypes: ['relay', 'srflx'],
      lastQuality: { rttMs: 340, loss: 0.08 },
      participants: [
        { userId: 'a', diagnostics: { browser: 'Chrome 150', os: 'Android 14', device: 'phone', userAgent: 'x' } },
        { userId: 'b', diagnostics: { browser: 'Safari 18', os: 'iOS 18', device: 'phone', userAgent: 'y' } },
      ],
    });
  });

  it('is empty but well formed for a call that never connected', () => {
    expect(summariseSession('s2', 0, [])).toEqual({ sessionId: 's2', connectedSeconds: 0, reconnects: 0, mediaFailures: 0, candidateTypes: [], lastQuality: null, participants: [] });
  });
});
