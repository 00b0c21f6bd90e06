import type { RateSessionBody, TutoringSession } from '@tutorline/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, errorMessage } from '../../lib/api';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { TextAreaField } from '../../ui/field';
import { StarPicker } from '../../ui/star-picker';
import { sessionKey } from './session-queries';

const wordsFor = {
  // The tutor rates the student: how the session went with them.
  tutor: ['', 'Very hard', 'Hard going', 'Fine', 'Good', 'Great to work with'],
  // The student rates the tutor.
  student: ['', 'Not helpful', 'A little helpful', 'Helpful', 'Very helpful', 'Brilliant!'],
} as const;

/** After a session: the viewer rates the other person (POST /api/sessions/:id/rating), once. */
export function SessionRatingForm({ session, name, role }: { session: TutoringSession; name: string; role: 'student' | 'tutor' }) {
  const queryClient = useQueryClient();
  const rate = useMutation({
    mutationFn: (body: RateSessionBody) => api.post<TutoringSession>(`/api/sessions/${encodeURIComponent(session.id)}/rating`, body),
    onSuccess: (updated) => queryClient.setQueryData(sessionKey(session.id), updated),
  });
  const [stars, setStars] = useState(0);
  const [comment, setComment] = useState('');
  const [missing, setMissing] = useState(false);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!stars) return setMissing(true);
    rate.mutate({ stars, ...(comment.trim() ? { comment: comment.trim() } : {}) });
  };

  return (
    <form className="form rate-form card" onSubmit={onSubmit} noValidate data-testid="session-rate-form" aria-labelledby="session-rate-title">
      <h2 id="session-rate-title">{role === 'tutor' ? `How was your session with ${name}?` : `How did ${name} do?`}</h2>
      <p className="muted">{role === 'tutor' ? 'Only Tutorline sees this. It helps us match students and tutors well.' : 'It helps other students choose.'}</p>
      <StarPicker
        stars={stars}
        onChange={(n) => {
          setStars(n);
          setMissing(false);
        }}
        words={wordsFor[role]}
        missing={missing}
        errorId="session-stars-error"
        testIdPrefix="session-star"
      />
      <TextAreaField label="Comment" optional rows={3} maxLength={1000} value={comment} data-testid="session-rate-comment" onChange={(e) => setComment(e.target.value)} />
      {rate.isError && (
        <Alert tone="error" title="Your rating was not saved">
          <p>{errorMessage(rate.error)}</p>
        </Alert>
      )}
      <Button type="submit" block pending={rate.isPending} pendingLabel="Sending…" data-testid="session-rate-submit">
        Send rating
      </Button>
    </form>
  );
}
