import type { Question } from '@tutorline/contracts';
import { useT } from '../../i18n';
import { Link } from 'react-router';
import { StarIcon } from '../../ui/icons';
import { RatingForm } from './rating-form';
import { TutorCard } from './tutor-card';
import './question.css';

/** Where the question ended up once it stopped waiting: with a tutor, answered, expired or cancelled. */
export function QuestionOutcome({ question, sessionEnded = false }: { question: Question; sessionEnded?: boolean }) {
  const t = useT();
  const retryLink = `/student/ask?${new URLSearchParams({ subject: question.subjectId, level: question.level }).toString()}`;

  switch (question.status) {
    case 'claimed':
      return (
        <section className="card outcome outcome-claimed" aria-labelledby="outcome-title" data-testid="outcome">
          <h2 id="outcome-title">{sessionEnded ? t('outcome.sessionEnded') : t('outcome.tutorReady')}</h2>
          {question.tutor && <TutorCard tutor={question.tutor} />}
          {sessionEnded && <p>{t('outcome.rateLater')}</p>}
          {question.sessionId && (
            <Link
              className={`btn btn-large btn-block ${sessionEnded ? 'btn-secondary' : 'btn-primary'}`}
              to={`/session/${question.sessionId}`}
              data-testid="join-session"
            >
              {sessionEnded ? t('outcome.openSession') : t('outcome.joinSession')}
            </Link>
          )}
        </section>
      );
    case 'answered':
      return (
        <section className="card outcome" aria-labelledby="outcome-title" data-testid="outcome">
          <h2 id="outcome-title">{t('outcome.answered')}</h2>
          {question.tutor && <TutorCard tutor={question.tutor} caption={t('outcome.answeredBy')} />}
          {question.rating === null ? (
            <RatingForm question={question} />
          ) : (
            <div className="rated" data-testid="rated">
              <p className="rated-stars" aria-label={t('outcome.stars', { rating: question.rating })}>
                {[1, 2, 3, 4, 5].map((n) => (
                  <StarIcon key={n} filled={n <= (question.rating ?? 0)} />
                ))}
              </p>
              <p>{t('outcome.thanks')}</p>
            </div>
          )}
          <Link className="btn btn-secondary btn-block" to="/student/ask">
            {t('outcome.askAnother')}
          </Link>
        </section>
      );
    case 'expired':
      return (
        <section className="card outcome" aria-labelledby="outcome-title" data-testid="outcome">
          <h2 id="outcome-title">{question.closeReason === 'no_tutors' ? t('outcome.noTutorsTitle') : t('outcome.noneFreeTitle')}</h2>
          <p data-testid="outcome-reason">
            {question.closeReason === 'no_tutors'
              ? t('outcome.noTutors')
              : question.closeReason === 'nobody_reached'
                ? t('outcome.nobodyReached')
                : t('outcome.allBusy')}
            {question.closeReason && <> {t('outcome.refunded')}</>}
          </p>
          <Link className="btn btn-primary btn-large btn-block" to={retryLink} data-testid="try-again">
            {t('common.tryAgain')}
          </Link>
          <Link className="btn btn-secondary btn-block" to="/student" data-testid="book-later">
            {t('outcome.bookLater')}
          </Link>
        </section>
      );
    case 'cancelled':
      return (
        <section className="card outcome" aria-labelledby="outcome-title" data-testid="outcome">
          <h2 id="outcome-title">{t('outcome.cancelledTitle')}</h2>
          <p>{t('outcome.cancelled')}</p>
          <Link className="btn btn-primary btn-block" to={retryLink} data-testid="try-again">
            {t('outcome.askAgain')}
          </Link>
          <Link className="btn btn-secondary btn-block" to="/student">
            {t('outcome.backHome')}
          </Link>
        </section>
      );
    default:
      return null;
  }
}
