import type { RecommendationReason } from '@tutorline/contracts';

const how: Record<Extract<RecommendationReason, { kind: 'history' }>['how'], string> = {
  session: 'had sessions with',
  lesson: 'had lessons with',
  class: 'joined classes by',
  favourite: 'liked',
  view: 'looked at',
};

/** "A", "A and B", "A, B and C". */
export function namesList(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** Why a tutor is suggested, in the student's words; the names are only ever tutors the student met themselves. */
export function reasonWords(r: RecommendationReason): string {
  switch (r.kind) {
    case 'history':
      return `Because you ${how[r.how]} ${namesList(r.tutorNames)}`;
    case 'also_booked':
      return `Students who booked ${r.tutorName} also booked this tutor`;
    case 'new':
      return 'New tutor: be one of the first to try them';
    case 'popular':
      return 'Popular with students of this subject';
  }
}
