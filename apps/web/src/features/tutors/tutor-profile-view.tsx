import type { Me, PublicTutor, TutorReview } from '@tutorline/contracts';
import { Link, useSearchParams } from 'react-router';
import { T, useT } from '../../i18n';
import { formatDate, formatList, formatMoney } from '../../lib/format';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { ZoneName } from '../../ui/zone-name';
import { TutorClassesSection } from '../classes';
import { courseContextOf } from '../lti';
import { bookingErrorText, SlotPicker } from '../scheduling';
import { lessonSubjectOf } from './lesson-subject';
import { levelLabel, subjectLabel } from '../subjects';
import { FavouriteButton, ratingLabel, ratingLine, sessionsLine, TutorPhoto } from './tutor-bits';
import { useMoreReviews } from './tutor-queries';
import './tutors.css';

function Review({ review }: { review: TutorReview }) {
  const t = useT();
  return (
    <li className="review">
      <p className="review-head">
        <span aria-label={t('booking.profile.stars', { rating: review.rating })}>{'★'.repeat(review.rating)}{'☆'.repeat(5 - review.rating)}</span>
        <span className="muted">
          {review.studentName} · {formatDate(review.createdAt)}
        </span>
      </p>
      {review.comment && <p>{review.comment}</p>}
    </li>
  );
}

function Reviews({ tutor }: { tutor: PublicTutor }) {
  const t = useT();
  const more = useMoreReviews(tutor.id, tutor.reviewsNextCursor);
  const extra = more.data?.pages.flatMap((p) => p.reviews) ?? [];
  const hasMore = more.data ? more.hasNextPage : tutor.reviewsNextCursor !== null;
  return (
    <section className="card" aria-labelledby="reviews-title">
      <h2 id="reviews-title">{t('booking.profile.reviews')}</h2>
      {tutor.latestReviews.length === 0 ? (
        <p className="muted">{t('booking.profile.noReviews')}</p>
      ) : (
        <ul className="reviews">
          {[...tutor.latestReviews, ...extra].map((r) => (
            <Review key={r.bookingId} review={r} />
          ))}
        </ul>
      )}
      {more.isError && <Alert tone="error">{bookingErrorText(more.error)}</Alert>}
      {hasMore && (
        <Button variant="secondary" pending={more.isFetching} pendingLabel={t('booking.loading')} onClick={() => void (more.data ? more.fetchNextPage() : more.refetch())}>
          {t('booking.profile.moreReviews')}
        </Button>
      )}
    </section>
  );
}

export function TutorProfileView({ tutor, me, zone }: { tutor: PublicTutor; me: Me | null; zone: string }) {
  const t = useT();
  const isStudent = me?.role === 'student';
  const [params] = useSearchParams();
  const fromCourse = courseContextOf(params);
  const subjects = new Map<string, string[]>();
  for (const s of tutor.subjects) {
    const name = subjectLabel({ id: s.subjectId, name: s.subjectName });
    subjects.set(name, [...(subjects.get(name) ?? []), levelLabel(s.level)]);
  }

  const cannotBook = !me ? (
    <p className="muted">
      <T id="booking.profile.logInToBook" components={{ 0: <Link to="/login" state={{ from: `/tutors/${tutor.id}` }} />, 1: <Link to="/signup" /> }} />
    </p>
  ) : !isStudent ? (
    <p className="muted">{t('booking.profile.studentsOnly')}</p>
  ) : (
    <p className="muted">{t('booking.profile.needsConsent')}</p>
  );

  return (
    <>
      <section className="card tutor-hero" aria-labelledby="tutor-name">
        <div className="tutor-hero-top">
          <TutorPhoto tutor={tutor} size="large" />
          <div className="tutor-hero-who">
            <h1 id="tutor-name">{tutor.displayName}</h1>
            <p className="tutor-card-meta">
              <T id="booking.profile.perHour" values={{ price: formatMoney(tutor.hourlyRateMinor, tutor.currency) }} components={{ 0: <strong /> }} />
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
            <dt>{t('booking.profile.teaches')}</dt>
            <dd>
              {[...subjects.entries()].map(([name, levels]) => (
                <span className="fact-line" key={name}>
                  <T id="booking.profile.subjectLevels" values={{ name, levels: formatList(levels) }} components={{ 0: <strong /> }} />
                </span>
              ))}
            </dd>
          </div>
          {tutor.languages.length > 0 && (
            <div>
              <dt>{t('booking.profile.speaks')}</dt>
              <dd>{formatList(tutor.languages)}</dd>
            </div>
          )}
          <div>
            <dt>{t('booking.profile.timeZone')}</dt>
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
