import { Link } from 'react-router';
import { useT } from '../../i18n';
import { TutorPhoto } from '../tutors';
import { useAlsoBooked } from './recommendation-queries';
import './recommendations.css';

/** "Students who worked with this tutor also booked…" on a tutor's profile; nothing when the model knows no one. */
export function AlsoBooked({ tutorId }: { tutorId: string }) {
  const t = useT();
  const similar = useAlsoBooked(tutorId);
  const tutors = similar.data?.tutors ?? [];
  if (!tutors.length) return null;
  return (
    <section className="card" aria-labelledby="also-booked-title" data-testid="also-booked">
      <h2 id="also-booked-title">{t('booking.profile.alsoBooked')}</h2>
      <ul className="rec-chips">
        {tutors.map((tutor) => (
          <li key={tutor.tutorId}>
            <Link className="rec-chip" to={`/tutors/${tutor.tutorId}`}>
              <TutorPhoto tutor={{ id: tutor.tutorId, displayName: tutor.displayName, photoUrl: tutor.photoUrl }} />
              <span>{tutor.displayName}</span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
