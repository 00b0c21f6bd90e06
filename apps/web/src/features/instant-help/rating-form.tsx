import type { Question } from '@tutorline/contracts';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../lib/api';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { TextAreaField } from '../../ui/field';
import { StarPicker } from '../../ui/star-picker';
import { useRateQuestion } from './question-queries';

const starWords = ['', 'Not helpful', 'A little helpful', 'Helpful', 'Very helpful', 'Brilliant!'];

export function RatingForm({ question }: { question: Question }) {
  const rate = useRateQuestion();
  const [stars, setStars] = useState(0);
  const [comment, setComment] = useState('');
  const [favourite, setFavourite] = useState(false);
  const [missingStars, setMissingStars] = useState(false);
  const tutorName = question.tutor?.displayName ?? 'your tutor';

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!stars) {
      setMissingStars(true);
      return;
    }
    rate.mutate({ id: question.id, rating: { stars, ...(comment.trim() ? { comment: comment.trim() } : {}), ...(favourite ? { favourite } : {}) } });
  };

  return (
    <form className="form rate-form" onSubmit={onSubmit} noValidate data-testid="rate-form" aria-labelledby="rate-title">
      <h2 id="rate-title">How did {tutorName} do?</h2>
      <StarPicker
        stars={stars}
        onChange={(n) => {
          setStars(n);
          setMissingStars(false);
        }}
        words={starWords}
        missing={missingStars}
        errorId="stars-error" testIdPrefix="rate-star"
      />
      <TextAreaField
        label="Comment"
        optional
        rows={3}
        maxLength={1000}
        value={comment}
        data-testid="rate-comment"
        onChange={(e) => setComment(e.target.value)}
      />
      <label className="check">
        <input type="checkbox" checked={favourite} onChange={(e) => setFavourite(e.target.checked)} data-testid="rate-favourite" />
        <span>Save {tutorName} as a favourite tutor</span>
      </label>
      {rate.isError && (
        <Alert tone="error" title="Your rating was not saved">
          <p>{errorMessage(rate.error)}</p>
        </Alert>
      )}
      <Button type="submit" block pending={rate.isPending} pendingLabel="Sending…" data-testid="rate-submit">
        Send rating
      </Button>
    </form>
  );
}
