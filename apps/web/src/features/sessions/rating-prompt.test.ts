import type { TutoringSession } from '@tutorline/contracts';
import { describe, expect, it } from 'vitest';
import { ratingPrompt } from './rating-prompt';

const session: TutoringSession = {
  id: 's1',
  kind: 'instant',
  status: 'ended',
  questionId: 'q1',
  student: { id: 'stu', displayName: 'Aarav Mehta' },
  tutor: { id: 'tut', displayName: 'Nisha Singh', rating: 4.8, ratingCount: 12 },
  startedAt: '2026-11-30T10:00:00Z',
  endedAt: '2026-11-30T10:20:00Z',
  yourRating: null,
};
const answered = { status: 'answered' as const, rating: null };

describe('who rates whom after a session', () => {
  it('never asks the tutor to rate herself: she rates her student, even with the answered question in hand', () => {
    // The bug: the page asked "Tell us how Nisha Singh did" of Nisha, from the question data the tutor also has.
    expect(ratingPrompt(session, 'tut', answered)).toEqual({ kind: 'session', name: 'Aarav Mehta', role: 'tutor' });
  });

  it('asks the student to rate the tutor on the question page once answered; a lesson’s student rates here', () => {
    expect(ratingPrompt(session, 'stu', answered)).toEqual({ kind: 'question', questionId: 'q1', name: 'Nisha Singh' });
    expect(ratingPrompt(session, 'stu', { status: 'answered', rating: 5 })).toEqual({ kind: 'none' });
    expect(ratingPrompt({ ...session, kind: 'booking', questionId: null }, 'stu', undefined)).toEqual({ kind: 'session', name: 'Nisha Singh', role: 'student' });
  });

  it('shows what was given once rated, and nothing while live or to anyone else', () => {
    expect(ratingPrompt({ ...session, yourRating: 4 }, 'tut', undefined)).toEqual({ kind: 'rated', name: 'Aarav Mehta', stars: 4 });
    expect(ratingPrompt({ ...session, status: 'active' }, 'tut', undefined)).toEqual({ kind: 'none' });
    expect(ratingPrompt(session, 'admin', answered)).toEqual({ kind: 'none' });
  });
});
