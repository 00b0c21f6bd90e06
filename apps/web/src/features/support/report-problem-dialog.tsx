import type { Diagnostics, ProblemArea, Ticket } from '@tutorline/contracts';
import { type FormEvent, useLayoutEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../lib/api';
import { Alert } from '../../ui/alert';
import { Button } from '../../ui/button';
import { TextAreaField, TextField } from '../../ui/field';
import { useReportProblem } from './use-support';
import { areaWords, deviceWords, networkWords, workedBeforeWords } from './words';
import './support.css';

type Device = keyof typeof deviceWords;
type Network = keyof typeof networkWords;
type Worked = keyof typeof workedBeforeWords;

const deviceFrom = (d: Diagnostics | undefined): Device | '' => (d?.device === 'phone' ? 'phone' : d?.device === 'tablet' ? 'tablet' : d?.device === 'desktop' ? 'computer' : '');

/**
 * "Report a problem" (#18): the questions support would otherwise ask by hand — what did not work, on which device and
 * network, and has it worked before — with the browser's own diagnostics and the call's events attached by the server.
 * It offers the connection check, whose code can be added. A modal dialog: Escape closes it.
 */
export function ReportProblemDialog({ sessionId, diagnostics, onClose }: { sessionId?: string | undefined; diagnostics?: Diagnostics | undefined; onClose(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useLayoutEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  const report = useReportProblem();
  const [areas, setAreas] = useState<ProblemArea[]>([]);
  const [device, setDevice] = useState<Device | ''>(deviceFrom(diagnostics));
  const [network, setNetwork] = useState<Network | ''>('');
  const [worked, setWorked] = useState<Worked | ''>('');
  const [description, setDescription] = useState('');
  const [checkCode, setCheckCode] = useState('');
  const [missing, setMissing] = useState<string[]>([]);
  const [done, setDone] = useState<Ticket | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const gaps = [!areas.length && 'what did not work', !device && 'your device', !network && 'your network', !worked && 'whether it worked before'].filter((x): x is string => Boolean(x));
    setMissing(gaps);
    if (gaps.length || !device || !network || !worked) return;
    report.mutate(
      {
        ...(sessionId ? { sessionId } : {}),
        areas,
        device,
        network,
        workedBefore: worked,
        description: description.trim(),
        ...(diagnostics ? { diagnostics } : {}),
        ...(checkCode.trim() ? { checkReportId: checkCode.trim() } : {}),
      },
      { onSuccess: setDone },
    );
  };

  return (
    <dialog
      ref={ref}
      className="dialog dialog-wide"
      aria-labelledby="report-title"
      data-testid="report-problem-dialog"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <h2 id="report-title">Report a problem</h2>
      {done ? (
        <div data-testid="report-sent" role="status">
          <p>
            Thank you. Support has your report <strong data-testid="report-ref">{done.ref}</strong>
            {sessionId ? ' with the details of this call' : ''}. You will get their answer here in the app
            {' '}and on WhatsApp if it is linked.
          </p>
          <div className="dialog-actions">
            <Link className="btn btn-secondary" to={`/support/${done.id}`}>
              See my report
            </Link>
            <Button onClick={onClose} autoFocus>
              Close
            </Button>
          </div>
        </div>
      ) : (
        <form className="form report-form" onSubmit={submit} noValidate>
          <fieldset className="choice-group" data-testid="report-areas">
            <legend>What did not work?</legend>
            {(Object.keys(areaWords) as ProblemArea[]).map((a) => (
              <label key={a} className="report-choice">
                <input type="checkbox" name="area" value={a} checked={areas.includes(a)} onChange={(e) => setAreas(e.target.checked ? [...areas, a] : areas.filter((x) => x !== a))} />
                {areaWords[a]}
              </label>
            ))}
          </fieldset>
          <Choice<Device> legend="Which device are you using?" name="device" words={deviceWords} value={device} onChange={setDevice} />
          <Choice<Network> legend="Which network?" name="network" words={networkWords} value={network} onChange={setNetwork} />
          <Choice<Worked> legend="Has it worked before?" name="worked" words={workedBeforeWords} value={worked} onChange={setWorked} />
          <TextAreaField label="What happened?" optional rows={3} maxLength={2000} value={description} onChange={(e) => setDescription(e.target.value)} />
          <TextField
            label="Connection check code"
            optional
            placeholder="e.g. K7Q4-M2XA"
            autoCapitalize="characters"
            autoComplete="off"
            value={checkCode}
            onChange={(e) => setCheckCode(e.target.value)}
            error={report.error && 'fields' in report.error ? (report.error as { fields: { path: string; message: string }[] }).fields.find((f) => f.path === 'checkReportId')?.message : undefined}
            hint={
              <>
                <a href="/check" target="_blank" rel="noopener">
                  Run the connection check
                </a>{' '}
                in a new tab and copy its code here: it tells support what your network lets through.
              </>
            }
          />
          {missing.length > 0 && (
            <Alert tone="warning" title="A few answers are missing" testId="report-missing">
              <p>Please tell us {missing.join(', ')}.</p>
            </Alert>
          )}
          {report.isError && (
            <Alert tone="error" title="The report was not sent" testId="report-error">
              <p>{errorMessage(report.error)}</p>
            </Alert>
          )}
          <div className="dialog-actions">
            <Button variant="secondary" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" pending={report.isPending} pendingLabel="Sending…" data-testid="report-submit">
              Send to support
            </Button>
          </div>
        </form>
      )}
    </dialog>
  );
}

function Choice<K extends string>({ legend, name, words, value, onChange }: { legend: string; name: string; words: Record<K, string>; value: K | ''; onChange(v: K): void }) {
  return (
    <fieldset className="choice-group" data-testid={`report-${name}`}>
      <legend>{legend}</legend>
      {(Object.keys(words) as K[]).map((k) => (
        <label key={k} className="report-choice">
          <input type="radio" name={name} value={k} checked={value === k} onChange={() => onChange(k)} />
          {words[k]}
        </label>
      ))}
    </fieldset>
  );
}

/** A button that opens the dialog: after a call and on the help page (the live room has it in its More menu). */
export function ReportProblemButton({ sessionId, diagnostics, className }: { sessionId?: string | undefined; diagnostics?: Diagnostics | undefined; className?: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="secondary" className={className} onClick={() => setOpen(true)} data-testid="report-problem">
        Report a problem
      </Button>
      {open && <ReportProblemDialog sessionId={sessionId} diagnostics={diagnostics} onClose={() => setOpen(false)} />}
    </>
  );
}
