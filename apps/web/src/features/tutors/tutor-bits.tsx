import type { TutorCard as TutorCardView } from '@tutorline/contracts';
import { useState } from 'react';
import { Link } from 'react-router';
import { T, translate, useT } from '../../i18n';
import { formatList, formatMoney, formatNumber } from '../../lib/format';
import { Avatar } from '../../ui/avatar';
import { levelLabel, subjectLabel } from '../subjects';
import { useToggleFavourite } from './tutor-queries';
import './tutors.css';

/** The tutor's photo (served by Tutorline), or their initials when there is none or it fails to load. */
export function TutorPhoto({ tutor, size = 'medium' }: { tutor: Pick<TutorCardView, 'id' | 'displayName' | 'photoUrl'>; size?: 'medium' | 'large' }) {
  const [failed, setFailed] = useState(false);
  if (!tutor.photoUrl || failed) return <Avatar name={tutor.displayName} seed={tutor.id} size={size} />;
  return <img className={`avatar avatar-${size} avatar-photo`} src={tutor.photoUrl} alt="" loading="lazy" decoding="async" onError={() => setFailed(true)} />;
}

const oneDecimal = (n: number) => formatNumber(n, { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** "12 lessons" (completed lessons and answered questions), or null before the first. */
export function sessionsLine(sessions: number): string | null {
  return sessions > 0 ? translate('booking.tutor.sessions', { count: sessions }) : null;
}

export function ratingLine(rating: TutorCardView['rating']): string {
  if (rating.average === null || rating.count === 0) return translate('booking.tutor.new');
  return translate('booking.tutor.rating', { average: oneDecimal(rating.average), count: formatNumber(rating.count) });
}

export function ratingLabel(rating: TutorCardView['rating']): string {
  if (rating.average === null || rating.count === 0) return translate('booking.tutor.newLabel');
  return translate('booking.tutor.ratingLabel', { average: oneDecimal(rating.average), count: rating.count });
}

/** "Maths (Grade 9–10, Grade 11–12) · Physics (University)". */
export function subjectsLine(subjects: TutorCardView['subjects']): string {
  const bySubject = new Map<string, string[]>();
  for (const s of subjects) {
    // The catalogue's subjects in the reader's language (by id); others by the name the server has.
    const name = subjectLabel({ id: s.subjectId, name: s.subjectName });
    bySubject.set(name, [...(bySubject.get(name) ?? []), levelLabel(s.level)]);
  }
  return [...bySubject.entries()].map(([name, levels]) => translate('booking.tutor.subjectLevels', { name, levels: formatList(levels) })).join(' · ');
}

export function FavouriteButton({ tutor, canFavourite }: { tutor: Pick<TutorCardView, 'id' | 'displayName' | 'favourite'>; canFavourite: boolean }) {
  const t = useT();
  const toggle = useToggleFavourite();
  if (!canFavourite) return null;
  return (
    <button
      type="button"
      className="fav-button"
      aria-pressed={tutor.favourite}
      aria-label={t('booking.tutor.favourite', { name: tutor.displayName })}
      title={tutor.favourite ? t('booking.tutor.unfavourite') : t('booking.tutor.addFavourite')}
      onClick={() => toggle.mutate({ tutorId: tutor.id, favourite: !tutor.favourite })}
    >
      <svg width="24" height="24" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path
          d="M12 20s-7-4.4-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 10c0 5.6-7 10-7 10z"
          fill={tutor.favourite ? 'currentColor' : 'none'}
          stroke="currentColor"
          strokeWidth="1.8"
          strokeLinejoin="round"
        />
      </svg>
    </button>
  );
}

/** `carry`: a query passed on to the profile (a course item's course, length and subject, #16). */
export function TutorResultCard({ tutor, canFavourite, carry = '' }: { tutor: TutorCardView; canFavourite: boolean; carry?: string }) {
  return (
    <li className="tutor-card" data-testid="tutor-card">
      <TutorPhoto tutor={tutor} />
      <div className="tutor-card-body">
        <h3 className="tutor-card-name">
          <Link to={`/tutors/${tutor.id}${carry}`}>{tutor.displayName}</Link>
        </h3>
        <p className="tutor-card-subjects">{subjectsLine(tutor.subjects)}</p>
        <p className="tutor-card-meta">
          <T id="booking.tutor.perHourShort" values={{ price: formatMoney(tutor.hourlyRateMinor, tutor.currency) }} components={{ 0: <strong /> }} />
          <span aria-label={ratingLabel(tutor.rating)}> · {ratingLine(tutor.rating)}</span>
          {tutor.sessions > 0 && <span> · {sessionsLine(tutor.sessions)}</span>}
        </p>
        {/* Two lines at most (tutors.css); the whole headline on hover, and on the profile. */}
        {tutor.headline && (
          <p className="tutor-card-headline" title={tutor.headline}>
            {tutor.headline}
          </p>
        )}
      </div>
      <FavouriteButton tutor={tutor} canFavourite={canFavourite} />
    </li>
  );
}
