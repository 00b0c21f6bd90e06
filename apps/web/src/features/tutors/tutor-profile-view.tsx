import type { Me, PublicTutor, TutorReview } from '@tutorline/contracts';
import { Link, useSearchParams } from 'react-router';
import { errorMessage } from '../../lib/api';
import { formatDate, formatMoney } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { ZoneName } from '../../ui/zone-name';
import { TutorClassesSection } from '../classes';
import { courseContextOf } from '../lti';
import { SlotPicker } from '../scheduling';
import { lessonSubjectOf } from './lesson-subject';
import { levelLabel } from '../subjects';
import { FavouriteButton, ratingLabel, ratingLine, sessionsLine, TutorPhoto } from './tutor-bits';
import { useMoreReviews } from './tutor-queries';
import './tutors.css';

function Review({ review }: { review: TutorReview }) {
  return (
    <li className="review">
      <p className="review-head">
        <span aria-label={`${review.rating} out of 5`}>{'★'.repeat(review.rating)}{'☆'.repeat(5 - review.rating)}</span>
        <span className="muted">
          {review.studentName} · {formatDate(review.createdAt)}
        </span>
      </p>
      {review.comment && <p>{review.comment}</p>}
    </li>
  );
}

function Reviews({ tutor }: { tutor: PublicTutor }) {
  const more = useMoreReviews(tutor.id, tutor.reviewsNextCursor);
  const extra = more.data?.pages.flatMap((p) => p.reviews) ?? [];
  const hasMore = more.data ? more.hasNextPage : tutor.reviewsNextCursor !== null;
  return (
    <section className="card" aria-labelledby="reviews-title">
      <h2 id="reviews-title">Reviews</h2>
      {tutor.latestReviews.length === 0 ? (
        <p className="muted">No reviews yet.</p>
      ) : (
        <ul className="reviews">
          {[...tutor.latestReviews, ...extra].map((r) => (
            <Review key={r.bookingId} review={r} />
          ))}
        </ul>
      )}
      {more.isError && <Alert tone="error">{errorMessage(more.error)}</Alert>}
      {hasMore && (
        <Button variant="secondary" pending={more.isFetching} pendingLabel="Loading…" onClick={() => void (more.data ? more.fetchNextPage() : more.refetch())}>
          More reviews
        </Button>
      )}
    </section>
  );
}

export function TutorProfileView({ tutor, me, zone }: { tutor: PublicTutor; me: Me | null; zone: string }) {
  const isStudent = me?.role === 'student';
  const [params] = useSearchParams();
  const fromCourse = courseContextOf(params);
  const subjects = new Map<string, string[]>();
  for (const s of tutor.subjects) subjects.set(s.subjectName, [...(subjects.get(s.subjectName) ?? []), levelLabel(s.level)]);

  const cannotBook = !me ? (
    <p className="muted">
      <Link to="/login" state={{ from: `/tutors/${tutor.id}` }}>
        Log in
      </Link>{' '}
      or{' '}
      <Link to="/signup">sign up</Link> as a student to book.
    </p>
  ) : !isStudent ? (
    <p className="muted">Only students can book lessons.</p>
  ) : (
    <p className="muted">You can book as soon as your parent or guardian has given consent.</p>
  );

  return (
    <>
      <section className="card tutor-hero" aria-labelledby="tutor-name">
        <div className="tutor-hero-top">
          <TutorPhoto tutor={tutor} size="large" />
          <div className="tutor-hero-who">
            <h1 id="tutor-name">{tutor.displayName}</h1>
            <p className="tutor-card-meta">
              <strong>{formatMoney(tutor.hourlyRateMinor, tutor.currency)}</strong> per hour
            </p>
            <p className="tutor-card-meta" aria-label={ratingLabel(tutor.rating)}>
              {ratingLine(tutor.rating)}
              {tutor.sessions > 0 ? ` · ${sessionsLine(tutor.sessions)}` : ''}
            </p>
          </div>
          <FavouriteButton tutor={tutor} canFavourite={isStudent} />
        </div>
        <dl className="facts">
          <div>
            <dt>Teaches</dt>
            <dd>
              {[...subjects.entries()].map(([name, levels]) => (
                <span className="fact-line" key={name}>
                  <strong>{name}</strong>: {levels.join(', ')}
                </span>
              ))}
            </dd>
          </div>
          {tutor.languages.length > 0 && (
            <div>
              <dt>Speaks</dt>
              <dd>{tutor.languages.join(', ')}</dd>
            </div>
          )}
          <div>
            <dt>Time zone</dt>
            <dd>
              <ZoneName zone={tutor.timeZone} />
            </dd>
          </div>
        </dl>
        {tutor.bio && <p className="bio">{tutor.bio}</p>}
      </section>

      <SlotPicker
        tutorId={tutor.id}
        tutorName={tutor.displayName}
        tutorZone={tutor.availabilityTimeZone ?? tutor.timeZone}
        durations={tutor.durationsMinutes}
        prices={tutor.lessonPrices}
        currency={tutor.currency}
        zone={zone}
        canBook={isStudent && Boolean(me?.canAskOrBook)}
        cannotBookReason={cannotBook}
        subject={lessonSubjectOf(tutor, params)}
        course={fromCourse.course}
        initialMinutes={fromCourse.minutes}
      />

      <TutorClassesSection tutorId={tutor.id} zone={zone} />

      <Reviews tutor={tutor} />
    </>
  );
}
