import type { TutorSummary } from '@tutorline/contracts';
import { ratingText } from '../../lib/rating';
import { Avatar } from '../../ui/avatar';

/** Who the tutor is: initials, name and rating. */
export function TutorCard({ tutor, caption = 'Your tutor' }: { tutor: TutorSummary; caption?: string }) {
  return (
    <div className="person" data-testid="tutor-card">
      <Avatar name={tutor.displayName} seed={tutor.id} size="large" />
      <div className="person-text">
        <p className="person-caption">{caption}</p>
        <p className="person-name">{tutor.displayName}</p>
        <p className="person-meta">
          {tutor.rating !== null && tutor.ratingCount > 0 && (
            <span className="stars-inline" aria-hidden="true">
              ★{' '}
            </span>
          )}
          {ratingText(tutor)}
        </p>
      </div>
    </div>
  );
}
