import type { Subject } from '@tutorline/contracts';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../lib/api';

export function useSubjects() {
  return useQuery({
    queryKey: ['subjects'],
    queryFn: () => api.get<{ subjects: Subject[] }>('/api/subjects').then((r) => r.subjects),
    staleTime: 10 * 60_000,
  });
}

/** A lookup from subject id to its display name; falls back to a readable form of the id while the list loads. */
export function useSubjectName(): (subjectId: string) => string {
  const subjects = useSubjects();
  return (subjectId) => subjects.data?.find((s) => s.id === subjectId)?.name ?? humanise(subjectId);
}

function humanise(slug: string): string {
  const words = slug.replaceAll('-', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Levels are slugs ("grade-11-12", "university"); show them as "Grade 11–12", "University". */
export function levelLabel(level: string): string {
  const grades = /^grade-(\d+)(?:-(\d+))?$/.exec(level);
  if (grades) return grades[2] ? `Grade ${grades[1]}–${grades[2]}` : `Grade ${grades[1]}`;
  return humanise(level);
}
