import type { Question } from '@tutorline/contracts';
import { Link } from 'react-router';
import { StarIcon } from '../../ui/icons';
import { RatingForm } from './rating-form';
import { TutorCard } from './tutor-card';
import './question.css';

/** Where the question ended up once it stopped waiting: with a tutor, answered, expired or cancelled. */
export function QuestionOutcome({ question, sessionEnded = false }: { question: Question; sessionEnded?: boolean }) {
  const retryLink = `/student/ask?${new URLSearchParams({ subject: question.subjectId, level: question.level }).toString()}`;

  switch (question.status) {
    case 'claimed':
      return (
        <section className="card outcome outcome-claimed" aria-labelledby="outcome-title" data-testid="outcome">
          <h2 id="outcome-title">{sessionEnded ? 'Your session has ended' : 'A tutor is ready for you!'}</h2>
          {question.tutor && <TutorCard tutor={question.tutor} />}
          {sessionEnded && <p>Once your tutor marks the question as answered, you can rate them here.</p>}
          {question.sessionId && (
            <Link
              className={`btn btn-large btn-block ${sessionEnded ? 'btn-secondary' : 'btn-primary'}`}
              to={`/session/${question.sessionId}`}
              data-testid="join-session"
            >
              {sessionEnded ? 'Open session' : 'Join session'}
            </Link>
          )}
        </section>
      );
    case 'answered':
      return (
        <section className="card outcome" aria-labelledby="outcome-title" data-testid="outcome">
          <h2 id="outcome-title">Your question was answered</h2>
          {question.tutor && <TutorCard tutor={question.tutor} caption="Answered by" />}
          {question.rating === null ? (
            <RatingForm question={question} />
          ) : (
            <div className="rated" data-testid="rated">
              <p className="rated-stars" aria-label={`You gave ${question.rating} out of 5 stars`}>
                {[1, 2, 3, 4, 5].map((n) => (
                  <StarIcon key={n} filled={n <= (question.rating ?? 0)} />
                ))}
              </p>
              <p>Thank you for rating your tutor.</p>
            </div>
          )}
          <Link className="btn btn-secondary btn-block" to="/student/ask">
            Ask another question
          </Link>
        </section>
      );
    case 'expired':
      return (
        <section className="card outcome" aria-labelledby="outcome-title" data-testid="outcome">
          <h2 id="outcome-title">{question.closeReason === 'no_tutors' ? 'No tutor teaches this yet' : 'No tutor was free this time'}</h2>
          <p data-testid="outcome-reason">
            {question.closeReason === 'no_tutors'
              ? 'Sorry! No tutor on Tutorline teaches this subject at this level yet, so your question was not sent to anyone.'
              : question.closeReason === 'nobody_reached'
                ? 'Sorry! No tutor who teaches this was online, so nobody saw your question.'
                : 'Sorry! All the tutors for this subject were busy. You can try again now, or book a lesson for later.'}
            {question.closeReason && ' If it used a question credit or one of your plan’s questions, that was given back.'}
          </p>
          <Link className="btn btn-primary btn-large btn-block" to={retryLink} data-testid="try-again">
            Try again
          </Link>
          <Link className="btn btn-secondary btn-block" to="/student" data-testid="book-later">
            Book a lesson later
          </Link>
        </section>
      );
    case 'cancelled':
      return (
        <section className="card outcome" aria-labelledby="outcome-title" data-testid="outcome">
          <h2 id="outcome-title">You cancelled this question</h2>
          <p>No tutor will be asked about it. You can ask again whenever you are ready.</p>
          <Link className="btn btn-primary btn-block" to={retryLink} data-testid="try-again">
            Ask again
          </Link>
          <Link className="btn btn-secondary btn-block" to="/student">
            Back to home
          </Link>
        </section>
      );
    default:
      return null;
  }
}
