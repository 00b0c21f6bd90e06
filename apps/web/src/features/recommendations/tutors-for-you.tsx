import type { RecommendedTutor } from '@tutorline/contracts';
import { useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../lib/api';
import { formatMoney } from '../../lib/format';
import { levelLabel, useSubjectName } from '../subjects';
import { TutorPhoto } from '../tutors';
import { reasonWords } from './reason-words';
import { useRecommendationHome, useRecommendationSettings, useSaveRecommendationSettings } from './recommendation-queries';
import './recommendations.css';

function SuggestedTutor({ tutor, subjectId, level }: { tutor: RecommendedTutor; subjectId: string; level: string }) {
  return (
    <li className="rec-tutor" data-testid="rec-tutor">
      <TutorPhoto tutor={{ id: tutor.tutorId, displayName: tutor.displayName, photoUrl: tutor.photoUrl }} />
      <div className="rec-tutor-body">
        <p className="rec-tutor-name">
          <Link to={`/tutors/${tutor.tutorId}?${new URLSearchParams({ subject: subjectId, level }).toString()}`}>{tutor.displayName}</Link>
          {tutor.isNew && <span className="rec-new">New</span>}
        </p>
        <p className="rec-reason" data-testid="rec-reason">
          {reasonWords(tutor.reason)}
        </p>
        <p className="muted rec-meta">
          {formatMoney(tutor.hourlyRateMinor, tutor.currency)}/h · {tutor.languages.join(', ')}
        </p>
      </div>
    </li>
  );
}

/** The student's choice: suggestions from what they did, or the same popular tutors everyone sees. */
export function PersonalisationToggle() {
  const settings = useRecommendationSettings();
  const save = useSaveRecommendationSettings();
  // The box follows the click at once (a controlled checkbox would otherwise snap back until the query cache updates,
  // a tick later), and the saved settings once the server answers, or the old value again if it refused.
  const [clicked, setClicked] = useState<boolean | null>(null);
  if (!settings.data) return null;
  const on = clicked ?? settings.data.personalised;
  return (
    <div className="rec-setting">
      <label className="check">
        <input type="checkbox" checked={on} onChange={(e) => {
            const personalised = e.target.checked;
            setClicked(personalised);
            save.mutate({ ...settings.data!, personalised }, { onSettled: () => setClicked(null) });
          }} data-testid="rec-personalise" />
        <span>Suggest tutors from my sessions and lessons</span>
      </label>
      <p className="muted rec-setting-note">
        {on ? 'We use only what you did on Tutorline. Nothing is shared with anyone else.' : 'Off: you see the tutors most popular with students of each subject.'}
      </p>
      {save.error && <p className="field-error">{errorMessage(save.error)}</p>}
    </div>
  );
}

/** "Tutors for you" on the student's home: a short list per subject they worked on, each with why it is suggested. */
export function TutorsForYou() {
  const home = useRecommendationHome();
  const subjectName = useSubjectName();
  return (
    <article className="card rec-card" aria-labelledby="rec-title" data-testid="tutors-for-you">
      <h2 id="rec-title">Tutors for you</h2>
      {home.isPending && <p className="muted">Finding tutors…</p>}
      {home.error && <p className="muted">{errorMessage(home.error)}</p>}
      {home.data && home.data.subjects.length === 0 && (
        <p className="muted">
          Ask a question or join a class, and we will suggest tutors for your subjects here. <Link to="/tutors">Find a tutor</Link>
        </p>
      )}
      {home.data?.subjects.map((s) => (
        <section key={`${s.subjectId}/${s.level}`} className="rec-subject" aria-label={`${subjectName(s.subjectId)}, ${levelLabel(s.level)}`}>
          <h3 className="rec-subject-title">
            {subjectName(s.subjectId)} <span className="muted">· {levelLabel(s.level)}</span>
          </h3>
          {s.list.tutors.length === 0 ? (
            <p className="muted">No tutor with free time this week yet.</p>
          ) : (
            <ul className="rec-list">
              {s.list.tutors.map((t) => (
                <SuggestedTutor key={t.tutorId} tutor={t} subjectId={s.subjectId} level={s.level} />
              ))}
            </ul>
          )}
        </section>
      ))}
      <PersonalisationToggle />
    </article>
  );
}
