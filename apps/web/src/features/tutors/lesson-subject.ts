import type { PublicTutor } from '@tutorline/contracts';

/** What a lesson booked here is in: the subject the learner came with (?subject=&level=) when the tutor teaches it, or the tutor's only one. */
export function lessonSubjectOf(tutor: Pick<PublicTutor, 'subjects'>, params: URLSearchParams): { id: string; level: string } | undefined {
  const wanted = tutor.subjects.find((s) => s.subjectId === params.get('subject') && s.level === params.get('level'));
  const only = tutor.subjects.length === 1 ? tutor.subjects[0] : undefined;
  const s = wanted ?? only;
  return s ? { id: s.subjectId, level: s.level } : undefined;
}
