import type { ConnectivityReport } from '@tutorline/contracts';
import type { CheckSetup } from '@tutorline/contracts/plain';
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../lib/api';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { summariseCheck } from './check-findings';
import { overallText, type RowState, type StepId, stepTitles } from './check-steps';
import './check.css';

interface CheckSummaryProps {
  rows: Record<StepId, RowState>;
  /** What the site offers calls (null when the page could not ask). */
  setup: CheckSetup | null;
  report: ConnectivityReport | null;
  saving: boolean;
  saveError: unknown;
  onRetrySave(): void;
  onRestart(): void;
}

export function CheckSummary({ rows, setup, report, saving, saveError, onRetrySave, onRestart }: CheckSummaryProps) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    ref.current?.focus();
    ref.current?.scrollIntoView?.({ block: 'start', behavior: 'smooth' });
  }, []);
  // The user's verdict and a tip per problem; the site's own setup is kept apart and never counted against them.
  const { verdict: overall, tips, siteNotes, notTested } = summariseCheck(rows, setup, report?.overall ?? null);
  const text = overallText[overall];

  return (
    <section ref={ref} tabIndex={-1} className={`card check-summary check-summary-${overall}`} data-testid="check-summary" data-overall={overall} aria-labelledby="check-summary-title">
      <div className="check-summary-head">
        <span className={`check-mark check-mark-${overall} check-mark-large`} aria-hidden="true">
          {overall === 'pass' ? '✓' : overall === 'fail' ? '✕' : '!'}
        </span>
        <div>
          <h2 id="check-summary-title">{text.title}</h2>
          <p className="muted">{text.body}</p>
        </div>
      </div>

      {report ? (
        <ReportCode id={report.id} />
      ) : saving ? (
        <p className="muted" role="status">
          Saving your results…
        </p>
      ) : saveError ? (
        <Alert tone="warning" title="We could not save your results">
          <p>{errorMessage(saveError)}</p>
          <Button variant="secondary" onClick={onRetrySave}>
            Try again
          </Button>
        </Alert>
      ) : null}

      {tips.length > 0 && (
        <div className="check-tips" data-testid="check-tips">
          <h3>Tips for your device and network</h3>
          <ul>
            {tips.map((t) => (
              <li key={t.tip} data-problem={t.kind}>
                <strong>{t.steps.map((id) => stepTitles[id]).join(' and ')}:</strong> {t.tip}
              </li>
            ))}
          </ul>
        </div>
      )}
      {notTested.length > 0 && (
        <p className="muted check-skipped-note">
          Not tested: {notTested.map((n) => `${stepTitles[n.step].toLowerCase()} (${n.detail.replace(/\.$/, '')})`).join('; ')}.
        </p>
      )}
      {siteNotes.length > 0 && (
        <div className="check-site" data-testid="check-site-notes">
          <h3>About this site</h3>
          {siteNotes.map((note) => (
            <p key={note}>{note}</p>
          ))}
          <p className="muted">This is a setting for the people who run this site, not a problem with your device or network, and it does not change your result above.</p>
        </div>
      )}
      <Button variant="secondary" onClick={onRestart} data-testid="check-restart">
        Run the check again
      </Button>
    </section>
  );
}

function ReportCode({ id }: { id: string }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const codeRef = useRef<HTMLElement>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(id);
      setCopied('yes');
    } catch {
      // No clipboard (plain http or an old browser): select the code so a long-press copies it.
      const range = document.createRange();
      if (codeRef.current) range.selectNodeContents(codeRef.current);
      window.getSelection()?.removeAllRanges();
      window.getSelection()?.addRange(range);
      setCopied('no');
    }
  };
  return (
    <div className="check-code">
      <p className="check-code-label">Tell support this code</p>
      <code ref={codeRef} className="check-code-value" data-testid="check-report-id">
        {id}
      </code>
      <Button variant="secondary" onClick={() => void copy()} data-testid="check-copy">
        {copied === 'yes' ? 'Copied!' : 'Copy code'}
      </Button>
      <p className="muted check-code-hint" role="status">
        {copied === 'no' ? 'The code is selected: press and hold it to copy.' : 'Support can see your results with this code. It does not show your name.'}
      </p>
    </div>
  );
}
