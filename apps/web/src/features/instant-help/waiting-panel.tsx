import type { Question } from '@tutorline/contracts';
import { useEffect } from 'react';
import { errorMessage } from '../../lib/api';
import { secondsSince, secondsUntil } from '../../lib/durations';
import { formatCountdown, formatNumber, plural } from '../../lib/format';
import { useNow } from '../../lib/use-now';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { ProgressBar } from '../../ui/progress-bar';
import { useCancelQuestion } from './question-queries';

interface WaitingPanelProps {
  question: Question;
  subjectText: string;
  /** Ask the server again, e.g. when the clock says the question should have expired by now. */
  onCheckAgain(): void;
}

/** While the question goes out to tutors: how many were asked, how long it has been, how long is left. */
export function WaitingPanel({ question, subjectText, onCheckAgain }: WaitingPanelProps) {
  const now = useNow(1000);
  const cancel = useCancelQuestion();
  const elapsed = secondsSince(question.createdAt, now);
  const left = secondsUntil(question.expiresAt, now);
  const windowSeconds = Math.max(1, (Date.parse(question.expiresAt) - Date.parse(question.createdAt)) / 1000);
  const nextWaveIn = question.nextWaveAt ? secondsUntil(question.nextWaveAt, now) : null;
  const n = question.notifiedCount;
  const timeUp = left === 0;

  // The server closes the question at expiry and tells us; if that message is lost, look for ourselves.
  useEffect(() => {
    if (!timeUp) return;
    const timer = window.setTimeout(onCheckAgain, 2500);
    return () => window.clearTimeout(timer);
  }, [timeUp, onCheckAgain]);

  return (
    <section className="card waiting" aria-labelledby="waiting-title" data-testid="waiting-panel">
      <div className="pulse" aria-hidden="true">
        <span className="pulse-ring" />
        <span className="pulse-ring pulse-ring-late" />
        <span className="pulse-core">{n}</span>
      </div>
      <h2 id="waiting-title" className="waiting-title">
        {timeUp ? 'Time is up, checking…' : n === 0 ? 'Looking for tutors…' : 'Waiting for a tutor to accept…'}
      </h2>
      <p className="waiting-count" data-testid="notified-count" aria-live="polite">
        <strong>{formatNumber(n)}</strong> {plural(n, { one: 'tutor', other: 'tutors' })} notified
      </p>
      <p className="muted waiting-lead">
        We are asking tutors who teach {subjectText}. Keep this page open: you will join the first tutor who accepts.
      </p>

      <dl className="stats">
        <div className="stat">
          <dt>Waiting</dt>
          <dd data-testid="elapsed">{formatCountdown(elapsed)}</dd>
        </div>
        <div className="stat">
          <dt>Time left</dt>
          <dd data-testid="time-left">{formatCountdown(left)}</dd>
        </div>
        <div className="stat">
          <dt>Wave</dt>
          <dd data-testid="wave">{question.wave}</dd>
        </div>
      </dl>
      <ProgressBar value={Math.min(1, elapsed / windowSeconds)} label="Time used of the time to find a tutor" tone={left < 60 ? 'warning' : 'primary'} />
      <p className="muted waiting-next">
        {nextWaveIn !== null && nextWaveIn > 0 && !timeUp
          ? `More tutors will be asked in ${formatCountdown(nextWaveIn)}.`
          : !timeUp && question.wave > 0
            ? 'Every matching tutor has been asked.'
            : '\u00a0'}
      </p>

      {cancel.isError && (
        <Alert tone="error" title="The question was not cancelled">
          <p>{errorMessage(cancel.error)}</p>
        </Alert>
      )}
      <Button
        variant="danger"
        block
        pending={cancel.isPending}
        pendingLabel="Cancelling…"
        data-testid="cancel-question"
        onClick={() => cancel.mutate({ id: question.id }, { onError: onCheckAgain })}
      >
        Cancel question
      </Button>
    </section>
  );
}
