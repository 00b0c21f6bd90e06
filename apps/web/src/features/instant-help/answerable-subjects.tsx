import type { AnswerableSubjects } from '@tutorline/contracts';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '../../lib/api';
import { levelLabel } from '../subjects';
import { helpKeys } from './help-keys';

const fetchAnswerable = () => api.get<AnswerableSubjects>('/api/help/subjects');

/** The subjects and levels a question can be asked in now: at least one approved tutor teaches them. */
export function useAnswerableSubjects() {
  return useQuery({ queryKey: helpKeys.answerable, queryFn: fetchAnswerable, staleTime: 60_000, select: (r) => r.subjects });
}

function useNotYetTaught() {
  return useQuery({ queryKey: helpKeys.answerable, queryFn: fetchAnswerable, staleTime: 60_000, select: (r) => r.notYetTaught });
}

/**
 * Says plainly what cannot be asked yet (no tutor teaches it) and offers to book a lesson instead; names the
 * subject and level the student came for when that is one of them.
 */
export function NotYetTaught({ wanted }: { wanted: { subjectId: string; level: string } | null }) {
  const notYet = useNotYetTaught();
  if (!notYet.data?.length) return null;
  const missing = wanted ? notYet.data.find((s) => s.id === wanted.subjectId && s.levels.includes(wanted.level)) : undefined;
  const findTutors = `/tutors${missing ? `?${new URLSearchParams({ subject: missing.id }).toString()}` : ''}`;
  return (
    <div className="field-hint not-yet-taught" data-testid="not-yet-taught">
      {missing && wanted ? (
        <p>
          <strong>
            No tutor teaches {missing.name} ({levelLabel(wanted.level)}) for instant help yet
          </strong>
          , so it is not in the list: asking would reach nobody. You can look for a tutor to book a lesson instead.
        </p>
      ) : (
        <details>
          <summary>Not in the list? No tutor teaches it yet.</summary>
          <ul>
            {notYet.data.map((s) => (
              <li key={s.id}>
                {s.name}: {s.levels.map(levelLabel).join(', ')}
              </li>
            ))}
          </ul>
        </details>
      )}
      <Link to={findTutors}>Find a tutor to book a lesson</Link>
    </div>
  );
}
