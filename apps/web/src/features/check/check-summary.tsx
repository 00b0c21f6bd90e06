import type { ConnectivityReport } from '@tutorline/contracts';
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../lib/api';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { type RowState, type StepId, stepIds, stepTitles, overallText, type Verdict } from './check-steps';

interface CheckSummaryProps {
  rows: Record<StepId, RowState>;
  report: ConnectivityReport | null;
  saving: boolean;
  saveError: unknown;
  onRetrySave(): void;
  onRestart(): void;
}

/** Shown until (or unless) the server's verdict arrives; only the server decides 'fail'. */
function localVerdict(rows: Record<StepId, RowState>): Verdict {
  return stepIds.some((id) => rows[id].status === 'fail' || rows[id].status === 'warn') ? 'warn' : 'pass';
}

export function CheckSummary({ rows, report, saving, saveError, onRetrySave, onRestart }: CheckSummaryProps) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    ref.current?.focus();
    ref.current?.scrollIntoView?.({ block: 'start', behavior: 'smooth' });
  }, []);
  const overall = report?.overall ?? localVerdict(rows);
  const text = overallText[overall];
  // Rows that share one piece of advice (both relay transports blocked) get one tip.
  const tips = new Map<string, StepId[]>();
  for (const id of stepIds) {
    const { advice, status } = rows[id];
    if (advice && status !== 'pass' && status !== 'skipped') tips.set(advice, [...(tips.get(advice) ?? []), id]);
  }
  const skipped = stepIds.filter((id) => rows[id].status === 'skipped');

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

      {tips.size > 0 && (
        <div className="check-tips">
          <h3>Tips</h3>
          <ul>
            {[...tips].map(([advice, ids]) => (
              <li key={advice}>
                <strong>{ids.map((id) => stepTitles[id]).join(' and ')}:</strong> {advice}
              </li>
            ))}
          </ul>
        </div>
      )}
      {skipped.length > 0 && (
        <p className="muted check-skipped-note">
          Not tested: {skipped.map((id) => `${stepTitles[id].toLowerCase()} (${rows[id].detail.replace(/\.$/, '')})`).join('; ')}.
        </p>
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
