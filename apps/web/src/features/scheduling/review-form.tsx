import { useState, type FormEvent } from 'react';
import { useT, type MessageKey } from '../../i18n';
import { ApiError } from '../../lib/api';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { TextAreaField } from '../../ui/field';
import { StarPicker } from '../../ui/star-picker';
import { bookingErrorText } from './booking-errors';
import { useReview } from './lesson-queries';
import './lessons.css';

const starKeys: MessageKey[] = ['booking.review.star1', 'booking.review.star2', 'booking.review.star3', 'booking.review.star4', 'booking.review.star5'];

/** Stars and an optional comment for a completed lesson; one review per booking (the server says if there is one). */
export function ReviewForm({ bookingId, tutorName }: { bookingId: string; tutorName: string }) {
  const t = useT();
  const review = useReview();
  const [open, setOpen] = useState(false);
  const [stars, setStars] = useState(0);
  const [comment, setComment] = useState('');
  const [missingStars, setMissingStars] = useState(false);

  if (review.data) return <p className="done-line">{t('booking.review.saved')}</p>;
  if (review.error instanceof ApiError && review.error.status === 409) return <p className="muted">{t('booking.review.already')}</p>;
  if (!open) {
    return (
      <Button variant="secondary" className="btn-small" onClick={() => setOpen(true)}>
        {t('booking.review.open')}
      </Button>
    );
  }

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!stars) {
      setMissingStars(true);
      return;
    }
    review.mutate({ bookingId, body: { rating: stars, ...(comment.trim() ? { comment: comment.trim() } : {}) } });
  };

  const titleId = `review-${bookingId}`;
  return (
    <form className="form rate-form lesson-panel" onSubmit={onSubmit} noValidate aria-labelledby={titleId}>
      <h3 id={titleId}>{t('booking.review.title', { name: tutorName })}</h3>
      <StarPicker
        stars={stars}
        onChange={(n) => {
          setStars(n);
          setMissingStars(false);
        }}
        words={['', ...starKeys.map((key) => t(key))]}
        missing={missingStars}
        errorId={`${titleId}-stars`}
      />
      <TextAreaField label={t('booking.review.comment')} optional rows={3} maxLength={2000} value={comment} onChange={(e) => setComment(e.target.value)} />
      {review.isError && (
        <Alert tone="error" title={t('booking.review.failed')}>
          <p>{bookingErrorText(review.error)}</p>
        </Alert>
      )}
      <Button type="submit" block pending={review.isPending} pendingLabel={t('booking.review.sending')}>
        {t('booking.review.send')}
      </Button>
    </form>
  );
}
