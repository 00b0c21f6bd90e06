import type { ReportCategory, SafetyReport } from '@tutorline/contracts';
import { type FormEvent, useLayoutEffect, useRef, useState } from 'react';
import { errorMessage } from '../../lib/api';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { TextAreaField } from '../../ui/field';
import { useReportPerson } from './use-safety';
import { categoryWords } from './words';
import './safety.css';

const categories = Object.keys(categoryWords) as ReportCategory[];

export interface ReportPersonProps {
  sessionId: string;
  /** Who is reported: the other person in the session. */
  otherName: string;
  /** A student may also block the tutor they report. */
  canBlock: boolean;
  source: 'room' | 'session_page';
  onClose(): void;
}

/**
 * Report the other person in a session (#20): what kind of thing happened, in plain words, what happened, and for a
 * student "also block this tutor". A modal dialog: Escape closes it; the confirmation says what happens next.
 */
export function ReportPersonDialog({ sessionId, otherName, canBlock, source, onClose }: ReportPersonProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useLayoutEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  const report = useReportPerson();
  const [category, setCategory] = useState<ReportCategory | ''>('');
  const [text, setText] = useState('');
  const [block, setBlock] = useState(false);
  const [missing, setMissing] = useState(false);
  const [done, setDone] = useState<SafetyReport | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMissing(!category);
    if (!category) return;
    report.mutate({ sessionId, category, text: text.trim(), source, block: canBlock && block }, { onSuccess: setDone });
  };

  return (
    <dialog
      ref={ref}
      className="dialog dialog-wide"
      aria-labelledby="safety-report-title"
      data-testid="safety-report-dialog"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <h2 id="safety-report-title">Report {otherName}</h2>
      {done ? (
        <div data-testid="safety-report-sent" role="status">
          <p>
            Thank you for telling us. Our safety team will look at this session, its chat and its board{done.severe ? ' straight away' : ''}. What you
            reported is kept until they have.
          </p>
          {done.blocked && <p data-testid="safety-report-blocked">You blocked {otherName}: they will not get your questions, and you cannot book them. You can unblock them any time from Blocked tutors, on your home page.</p>}
          <p className="muted">If you are in danger right now, tell an adult you trust or call your local emergency number.</p>
          <div className="dialog-actions">
            <Button onClick={onClose} autoFocus>
              Close
            </Button>
          </div>
        </div>
      ) : (
        <form className="form safety-form" onSubmit={submit} noValidate>
          <p className="muted">Only Tutorline&apos;s safety team sees this. {otherName} is not told who reported them.</p>
          <fieldset className="safety-choices" data-testid="safety-categories">
            <legend>What happened?</legend>
            {categories.map((c) => (
              <label key={c} className="safety-choice">
                <input type="radio" name="category" value={c} checked={category === c} onChange={() => {
                    setCategory(c);
                    setMissing(false);
                  }}
                />
                {categoryWords[c]}
              </label>
            ))}
          </fieldset>
          <TextAreaField label="Tell us more" optional rows={3} maxLength={2000} value={text} onChange={(e) => setText(e.target.value)} data-testid="safety-text" />
          {canBlock && (
            <label className="safety-choice safety-block">
              <input type="checkbox" checked={block} onChange={(e) => setBlock(e.target.checked)} data-testid="safety-block" />
              Also block this tutor
            </label>
          )}
          {missing && (
            <Alert tone="warning" testId="safety-missing">
              <p>Please choose what happened.</p>
            </Alert>
          )}
          {report.isError && (
            <Alert tone="error" title="The report was not sent" testId="safety-report-error">
              <p>{errorMessage(report.error)}</p>
            </Alert>
          )}
          <div className="dialog-actions">
            <Button variant="secondary" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" pending={report.isPending} pendingLabel="Sending…" data-testid="safety-report-submit">
              Send report
            </Button>
          </div>
        </form>
      )}
    </dialog>
  );
}

/** A button for the session page (after the call): opens the same dialog. */
export function ReportPersonButton(props: Omit<ReportPersonProps, 'onClose' | 'source'> & { className?: string }) {
  const [open, setOpen] = useState(false);
  const { className, ...rest } = props;
  return (
    <>
      <Button variant="ghost" className={className} onClick={() => setOpen(true)} data-testid="safety-report-open">
        Report {props.otherName}
      </Button>
      {open && <ReportPersonDialog {...rest} source="session_page" onClose={() => setOpen(false)} />}
    </>
  );
}
