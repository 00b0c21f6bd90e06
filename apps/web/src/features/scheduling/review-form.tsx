import { useState, type FormEvent } from 'react';
import { ApiError, errorMessage } from '../../lib/api';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { TextAreaField } from '../../ui/field';
import { StarPicker } from '../../ui/star-picker';
import { useReview } from './lesson-queries';
import './lessons.css';

const starWords = ['', 'Poor', 'Fair', 'Good', 'Very good', 'Excellent'];

/** Stars and an optional comment for a completed lesson; one review per booking (the server says if there is one). */
export function ReviewForm({ bookingId, tutorName }: { bookingId: string; tutorName: string }) {
  const review = useReview();
  const [open, setOpen] = useState(false);
  const [stars, setStars] = useState(0);
  const [comment, setComment] = useState('');
  const [missingStars, setMissingStars] = useState(false);

  if (review.data) return <p className="done-line">Thanks! Your review of this lesson is saved.</p>;
  if (review.error instanceof ApiError && review.error.status === 409) return <p className="muted">{review.error.message}</p>;
  if (!open) {
    return (
      <Button variant="secondary" className="btn-small" onClick={() => setOpen(true)}>
        Review this lesson
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
      <h3 id={titleId}>How was your lesson with {tutorName}?</h3>
      <StarPicker
        stars={stars}
        onChange={(n) => {
          setStars(n);
          setMissingStars(false);
        }}
        words={starWords}
        missing={missingStars}
        errorId={`${titleId}-stars`}
      />
      <TextAreaField label="Review" optional rows={3} maxLength={2000} value={comment} onChange={(e) => setComment(e.target.value)} />
      {review.isError && (
        <Alert tone="error" title="Your review was not saved">
          <p>{errorMessage(review.error)}</p>
        </Alert>
      )}
      <Button type="submit" block pending={review.isPending} pendingLabel="Sending…">
        Send review
      </Button>
    </form>
  );
}
