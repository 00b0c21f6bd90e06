import type { Question, TutoringSession } from '@tutorline/contracts';

/**
 * After a session, what the page asks the viewer to rate: each side rates the other, never themselves. The student
 * of an instant question rates their tutor on the question page (it also counts towards the tutor's rating); the
 * student of a lesson rates the tutor here, and the tutor rates the student here.
 */
export type RatingPrompt =
  | { kind: 'none' }
  | { kind: 'question'; questionId: string; name: string }
  | { kind: 'session'; name: string; role: 'student' | 'tutor' }
  | { kind: 'rated'; name: string; stars: number };

export function ratingPrompt(session: TutoringSession, viewerId: string, question: Pick<Question, 'status' | 'rating'> | undefined): RatingPrompt {
  if (session.status !== 'ended') return { kind: 'none' };
  const side = viewerId === session.student.id ? 'student' : viewerId === session.tutor.id ? 'tutor' : null;
  if (!side) return { kind: 'none' };
  const other = side === 'student' ? session.tutor.displayName : session.student.displayName;
  if (side === 'student' && session.questionId) {
    return question?.status === 'answered' && question.rating === null ? { kind: 'question', questionId: session.questionId, name: other } : { kind: 'none' };
  }
  if (session.yourRating != null) return { kind: 'rated', name: other, stars: session.yourRating };
  return { kind: 'session', name: other, role: side };
}
