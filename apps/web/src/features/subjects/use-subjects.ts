import type { Subject } from '@tutorline/contracts';
import { useQuery } from '@tanstack/react-query';
import { hasMessage, translate } from '../../i18n/catalog';
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
  return (subjectId) => {
    const subject = subjects.data?.find((s) => s.id === subjectId);
    return subjectLabel(subject ?? { id: subjectId, name: humanise(subjectId) });
  };
}

/** A subject's name in the interface language: the catalog's word for a known subject, else the server's name. */
export function subjectLabel(subject: Pick<Subject, 'id' | 'name'>): string {
  const key = `subject.${subject.id}`;
  return hasMessage(key) ? translate(key) : subject.name;
}

function humanise(slug: string): string {
  const words = slug.replaceAll('-', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Levels are slugs ("grade-11-12", "university"); show them as "Grade 11–12", "University". */
export function levelLabel(level: string): string {
  const grades = /^grade-(\d+)(?:-(\d+))?$/.exec(level);
  if (grades) return grades[2] ? translate('level.grades', { from: grades[1], to: grades[2] }) : translate('level.grade', { grade: grades[1] });
  const key = `level.${level}`;
  return hasMessage(key) ? translate(key) : humanise(level);
}
