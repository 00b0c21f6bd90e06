import type { Question } from '@tutorline/contracts';
import { useEffect } from 'react';
import { secondsSince, secondsUntil } from '../../lib/durations';
import { T, useT } from '../../i18n';
import { formatCountdown } from '../../lib/format';
import { useNow } from '../../lib/use-now';
import { ProgressBar } from '../../ui/progress-bar';
import { CancelQuestionButton } from './cancel-question';
import { waitingStatus } from './waiting-status';
import './question.css';

interface WaitingPanelProps {
  question: Question;
  subjectText: string;
  /** Ask the server again, e.g. when the clock says the question should have expired by now. */
  onCheckAgain(): void;
}

/** While the question goes out to tutors: how many were asked, how long it has been, how long is left. */
export function WaitingPanel({ question, subjectText, onCheckAgain }: WaitingPanelProps) {
  const t = useT();
  const now = useNow(1000);
  const elapsed = secondsSince(question.createdAt, now);
  const left = secondsUntil(question.expiresAt, now);
  const windowSeconds = Math.max(1, (Date.parse(question.expiresAt) - Date.parse(question.createdAt)) / 1000);
  const n = question.notifiedCount;
  const timeUp = left === 0;
  const status = waitingStatus(question, now);
  const { nobodyReachable } = status;

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
        {status.title}
      </h2>
      {nobodyReachable ? (
        <p className="waiting-count" data-testid="nobody-reachable" aria-live="polite">
          {t('waiting.nobodyText', { subject: subjectText })}
        </p>
      ) : (
        <p className="waiting-count" data-testid="notified-count" aria-live="polite">
          <T id="waiting.notified" values={{ count: n }} components={{ 0: <strong /> }} />
        </p>
      )}
      {!nobodyReachable && (
        <p className="muted waiting-lead">
          {t('waiting.lead', { subject: subjectText })}
        </p>
      )}

      <dl className="stats">
        <div className="stat">
          <dt>{t('waiting.elapsed')}</dt>
          <dd data-testid="elapsed">{formatCountdown(elapsed)}</dd>
        </div>
        <div className="stat">
          <dt>{t('waiting.left')}</dt>
          <dd data-testid="time-left">{formatCountdown(left)}</dd>
        </div>
        <div className="stat">
          <dt>{t('waiting.wave')}</dt>
          <dd data-testid="wave">{question.wave}</dd>
        </div>
      </dl>
      <ProgressBar value={Math.min(1, elapsed / windowSeconds)} label={t('waiting.progress')} tone={left < 60 ? 'warning' : 'primary'} />
      <p className="muted waiting-next" data-testid="waiting-next">
        {status.next ?? '\u00a0'}
      </p>

      <CancelQuestionButton questionId={question.id} onCheckAgain={onCheckAgain} />
    </section>
  );
}
