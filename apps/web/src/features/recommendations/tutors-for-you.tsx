import type { RecommendedTutor } from '@tutorline/contracts';
import { useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../lib/api';
import { T, useT } from '../../i18n';
import { formatList, formatMoney } from '../../lib/format';
import { levelLabel, useSubjectName } from '../subjects';
import { TutorPhoto } from '../tutors';
import { reasonWords } from './reason-words';
import { useRecommendationHome, useRecommendationSettings, useSaveRecommendationSettings } from './recommendation-queries';
import './recommendations.css';

function SuggestedTutor({ tutor, subjectId, level }: { tutor: RecommendedTutor; subjectId: string; level: string }) {
  const t = useT();
  return (
    <li className="rec-tutor" data-testid="rec-tutor">
      <TutorPhoto tutor={{ id: tutor.tutorId, displayName: tutor.displayName, photoUrl: tutor.photoUrl }} />
      <div className="rec-tutor-body">
        <p className="rec-tutor-name">
          <Link to={`/tutors/${tutor.tutorId}?${new URLSearchParams({ subject: subjectId, level }).toString()}`}>{tutor.displayName}</Link>
          {tutor.isNew && <span className="rec-new">{t('recs.new')}</span>}
        </p>
        <p className="rec-reason" data-testid="rec-reason">
          {reasonWords(tutor.reason)}
        </p>
        <p className="muted rec-meta">
          {t('recs.meta', { rate: formatMoney(tutor.hourlyRateMinor, tutor.currency), languages: formatList(tutor.languages) })}
        </p>
      </div>
    </li>
  );
}

/** The student's choice: suggestions from what they did, or the same popular tutors everyone sees. */
export function PersonalisationToggle() {
  const t = useT();
  const settings = useRecommendationSettings();
  const save = useSaveRecommendationSettings();
  // The box follows the click at once (a controlled checkbox would otherwise snap back until the query cache updates,
  // a tick later), and the saved settings once the server answers, or the old value again if it refused.
  const [clicked, setClicked] = useState<boolean | null>(null);
  // Its place is held while the setting loads, so the card does not grow under the reader (a layout shift).
  if (!settings.data) return settings.isPending ? <div className="rec-setting rec-setting-loading" aria-hidden="true" /> : null;
  const on = clicked ?? settings.data.personalised;
  return (
    <div className="rec-setting">
      <label className="check">
        <input type="checkbox" checked={on} onChange={(e) => {
            const personalised = e.target.checked;
            setClicked(personalised);
            save.mutate({ ...settings.data!, personalised }, { onSettled: () => setClicked(null) });
          }} data-testid="rec-personalise" />
        <span>{t('recs.personalise')}</span>
      </label>
      <p className="muted rec-setting-note">
        {on ? t('recs.personaliseOn') : t('recs.personaliseOff')}
      </p>
      {save.error && <p className="field-error">{errorMessage(save.error)}</p>}
    </div>
  );
}

/** "Tutors for you" on the student's home: a short list per subject they worked on, each with why it is suggested. */
export function TutorsForYou() {
  const t = useT();
  const home = useRecommendationHome();
  const subjectName = useSubjectName();
  return (
    <article className="card rec-card" aria-labelledby="rec-title" data-testid="tutors-for-you" aria-busy={home.isPending}>
      <h2 id="rec-title">{t('recs.title')}</h2>
      {home.isPending && <p className="muted">{t('recs.finding')}</p>}
      {home.error && <p className="muted">{errorMessage(home.error)}</p>}
      {home.data && home.data.subjects.length === 0 && (
        <p className="muted">
          <T id="recs.empty" components={{ 0: <Link to="/tutors" /> }} />
        </p>
      )}
      {home.data?.subjects.map((s) => (
        <section key={`${s.subjectId}/${s.level}`} className="rec-subject" aria-label={t('question.subjectLevel', { subject: subjectName(s.subjectId), level: levelLabel(s.level) })}>
          <h3 className="rec-subject-title">
            <T id="recs.subjectTitle" values={{ subject: subjectName(s.subjectId), level: levelLabel(s.level) }} components={{ 0: <span className="muted" /> }} />
          </h3>
          {s.list.tutors.length === 0 ? (
            <p className="muted">{t('recs.noneFree')}</p>
          ) : (
            <ul className="rec-list">
              {s.list.tutors.map((t) => (
                <SuggestedTutor key={t.tutorId} tutor={t} subjectId={s.subjectId} level={s.level} />
              ))}
            </ul>
          )}
        </section>
      ))}
      {/* With the list, never before it: a setting shown under "Finding tutors…" would be pushed down when the list arrives. */}
      {!home.isPending && <PersonalisationToggle />}
    </article>
  );
}
