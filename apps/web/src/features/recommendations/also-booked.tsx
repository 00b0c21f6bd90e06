import { Link } from 'react-router';
import { TutorPhoto } from '../tutors';
import { useAlsoBooked } from './recommendation-queries';
import './recommendations.css';

/** "Students who worked with this tutor also booked…" on a tutor's profile; nothing when the model knows no one. */
export function AlsoBooked({ tutorId }: { tutorId: string }) {
  const similar = useAlsoBooked(tutorId);
  const tutors = similar.data?.tutors ?? [];
  if (!tutors.length) return null;
  return (
    <section className="card" aria-labelledby="also-booked-title" data-testid="also-booked">
      <h2 id="also-booked-title">Students who worked with this tutor also booked</h2>
      <ul className="rec-chips">
        {tutors.map((t) => (
          <li key={t.tutorId}>
            <Link className="rec-chip" to={`/tutors/${t.tutorId}`}>
              <TutorPhoto tutor={{ id: t.tutorId, displayName: t.displayName, photoUrl: t.photoUrl }} />
              <span>{t.displayName}</span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
