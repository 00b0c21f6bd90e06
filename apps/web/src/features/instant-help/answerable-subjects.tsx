import type { AnswerableSubjects } from '@tutorline/contracts';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { T, useT } from '../../i18n';
import { api } from '../../lib/api';
import { formatList } from '../../lib/format';
import { levelLabel, subjectLabel } from '../subjects';
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
  const t = useT();
  const notYet = useNotYetTaught();
  if (!notYet.data?.length) return null;
  const missing = wanted ? notYet.data.find((s) => s.id === wanted.subjectId && s.levels.includes(wanted.level)) : undefined;
  const findTutors = `/tutors${missing ? `?${new URLSearchParams({ subject: missing.id }).toString()}` : ''}`;
  return (
    <div className="field-hint not-yet-taught" data-testid="not-yet-taught">
      {missing && wanted ? (
        <p>
          <T id="notTaught.missing" values={{ subject: subjectLabel(missing), level: levelLabel(wanted.level) }} components={{ 0: <strong /> }} />
        </p>
      ) : (
        <details>
          <summary>{t('notTaught.summary')}</summary>
          <ul>
            {notYet.data.map((s) => (
              <li key={s.id}>
                {t('notTaught.item', { subject: subjectLabel(s), levels: formatList(s.levels.map(levelLabel)) })}
              </li>
            ))}
          </ul>
        </details>
      )}
      <Link to={findTutors}>{t('notTaught.findTutor')}</Link>
    </div>
  );
}
