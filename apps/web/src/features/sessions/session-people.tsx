import type { TutoringSession } from '@tutorline/contracts';
import { ratingText } from '../../lib/rating';
import { Avatar } from '../../ui/avatar';

/** The two people in a session; the viewer's own row says "you". */
export function SessionPeople({ session, viewerId }: { session: TutoringSession; viewerId: string }) {
  const you = (id: string) => (id === viewerId ? <span className="you"> (you)</span> : null);
  return (
    <ul className="people" aria-label="In this session">
      <li className="person" data-testid="session-student">
        <Avatar name={session.student.displayName} seed={session.student.id} />
        <div className="person-text">
          <p className="person-caption">Student</p>
          <p className="person-name">
            {session.student.displayName}
            {you(session.student.id)}
          </p>
        </div>
      </li>
      <li className="person" data-testid="session-tutor">
        <Avatar name={session.tutor.displayName} seed={session.tutor.id} />
        <div className="person-text">
          <p className="person-caption">Tutor</p>
          <p className="person-name">
            {session.tutor.displayName}
            {you(session.tutor.id)}
          </p>
          <p className="person-meta">
            {session.tutor.ratingCount > 0 && <span className="stars-inline" aria-hidden="true">★ </span>}
            {ratingText(session.tutor)}
          </p>
        </div>
      </li>
    </ul>
  );
}
