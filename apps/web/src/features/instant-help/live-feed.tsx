import type { FeedItem } from '@tutorline/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ApiError, errorMessage } from '../../lib/api';
import { secondsSince } from '../../lib/durations';
import { formatCountdown } from '../../lib/format';
import { useNow } from '../../lib/use-now';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { LiveStatus } from '../../ui/live-status';
import { PageLoading } from '../../ui/page-states';
import { levelLabel, useSubjectName } from '../subjects';
import { QuestionPhotos } from './question-photos';
import { helpKeys } from './help-keys';
import { removeFromFeed, useAcceptQuestion, useFeed, useSkipQuestion } from './tutor-queries';
import { useLiveFeed } from './use-live-feed';
import './tutor-home.css';

interface Notice {
  tone: 'warning' | 'error';
  title: string;
  body?: string;
}

/** Questions waiting for a tutor, live: new ones appear, taken ones vanish, Accept takes you to the session. */
export function LiveFeed({ online }: { online: boolean | null }) {
  const feed = useFeed();
  const accept = useAcceptQuestion();
  const skip = useSkipQuestion();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const subjectName = useSubjectName();
  const now = useNow(1000);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [arrival, setArrival] = useState('');

  useLiveFeed((item) => {
    setArrival(`New question: ${subjectName(item.subjectId)}, ${levelLabel(item.level)}.`);
    // A short buzz on phones that allow it; silently nothing elsewhere.
    navigator.vibrate?.(200);
  });

  // Hide questions whose time ran out even if the "taken" message was lost.
  const items = (feed.data ?? []).filter((item) => Date.parse(item.expiresAt) > now);

  const onAccept = (item: FeedItem) => {
    setNotice(null);
    accept.mutate(item.questionId, {
      onSuccess: ({ sessionId }) => void navigate(`/session/${sessionId}`),
      onError: (error) => {
        if (error instanceof ApiError && (error.status === 409 || error.status === 404)) {
          queryClient.setQueryData<FeedItem[]>(helpKeys.feed, (list) => removeFromFeed(list, item.questionId));
          const taken = error.status === 404 || /another tutor/i.test(error.message);
          setNotice({ tone: 'warning', title: taken ? 'Another tutor took this one' : 'This question is no longer waiting', body: taken ? 'Stay online: the next one could be yours.' : error.message });
        } else {
          setNotice({ tone: 'error', title: 'Could not accept this question', body: errorMessage(error) });
        }
      },
    });
  };

  return (
    <section className="card feed" aria-labelledby="feed-title" data-testid="tutor-feed">
      <div className="card-head">
        <h2 id="feed-title">Questions waiting</h2>
        {items.length > 0 && <span className="badge badge-live">{items.length} waiting</span>}
      </div>
      <LiveStatus />
      <p className="visually-hidden" aria-live="polite">
        {arrival}
      </p>
      {notice && (
        <Alert tone={notice.tone} title={notice.title} testId="feed-notice">
          {notice.body && <p>{notice.body}</p>}
        </Alert>
      )}
      {skip.isError && (
        <Alert tone="error" title="Could not skip that question">
          <p>{errorMessage(skip.error)}</p>
        </Alert>
      )}

      {feed.isPending && <PageLoading label="Loading questions…" />}
      {feed.isError && !feed.data && (
        <Alert tone="error" title="Questions could not be loaded">
          <p>{errorMessage(feed.error)}</p>
          <Button variant="secondary" onClick={() => void feed.refetch()}>
            Try again
          </Button>
        </Alert>
      )}
      {feed.data && items.length === 0 && (
        <div className="empty" data-testid="feed-empty">
          {online === false ? (
            <>
              <p className="empty-title">You are offline</p>
              <p>Turn on “Available for instant help” above to get students' questions here as they come in.</p>
            </>
          ) : (
            <>
              <p className="empty-title">No questions right now</p>
              <p>Stay online and keep this page open: new questions in your subjects appear here straight away.</p>
            </>
          )}
        </div>
      )}
      {items.length > 0 && (
        <ul className="feed-list">
          {items.map((item) => (
            <FeedRow
              key={item.questionId}
              item={item}
              subject={subjectName(item.subjectId)}
              now={now}
              accepting={accept.isPending && accept.variables === item.questionId}
              busy={accept.isPending}
              onAccept={() => onAccept(item)}
              onSkip={() => skip.mutate(item.questionId)}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

interface FeedRowProps {
  item: FeedItem;
  subject: string;
  now: number;
  accepting: boolean;
  busy: boolean;
  onAccept(): void;
  onSkip(): void;
}

function FeedRow({ item, subject, now, accepting, busy, onAccept, onSkip }: FeedRowProps) {
  const titleId = `feed-${item.questionId}-title`;
  return (
    <li className="feed-item" data-testid="feed-item" data-question-id={item.questionId} aria-labelledby={titleId}>
      <QuestionPhotos photos={item.photos} label={`${subject} photo`} />
      <div className="feed-body">
        <p className="feed-title" id={titleId}>
          {subject} · {levelLabel(item.level)}
        </p>
        <p className="feed-meta">
          Waiting <span data-testid="feed-waiting">{formatCountdown(secondsSince(item.askedAt, now))}</span>
        </p>
        {item.text && <p className="feed-text">{item.text}</p>}
      </div>
      <div className="feed-actions">
        <Button block disabled={busy} pending={accepting} pendingLabel="Accepting…" aria-describedby={titleId} data-testid="accept-question" onClick={onAccept}>
          Accept
        </Button>
        <Button variant="secondary" disabled={busy} aria-describedby={titleId} data-testid="skip-question" onClick={onSkip}>
          Skip
        </Button>
      </div>
    </li>
  );
}
