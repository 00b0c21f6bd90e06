import { type ReactNode, useEffect, useRef } from 'react';
import { Button } from '../../ui/button';
import { ProgressBar } from '../../ui/progress-bar';
import { type RowState, type RowStatus, statusLabels, type StepId, stepTitles } from './check-steps';
import './check.css';

const marks: Record<RowStatus, string> = { waiting: '', running: '', pass: '✓', warn: '!', fail: '✕', skipped: '–' };

export function StatusMark({ status, index }: { status: RowStatus; index?: number }) {
  return (
    <span className={`check-mark check-mark-${status}`} aria-hidden="true">
      {status === 'running' ? <span className="spinner" /> : status === 'waiting' ? (index ?? '') : marks[status]}
    </span>
  );
}

export function StatusText({ status }: { status: RowStatus }) {
  return <span className={`check-status check-status-${status}`}>{statusLabels[status]}</span>;
}

interface CheckRowProps {
  id: StepId;
  index: number;
  row: RowState;
  current: boolean;
  children?: ReactNode;
}

export function CheckRow({ id, index, row, current, children }: CheckRowProps) {
  const { status, detail, progress } = row;
  const ref = useRef<HTMLLIElement>(null);
  // On a phone most rows are below the fold: keep the one being tested in view.
  useEffect(() => {
    if (current) ref.current?.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
  }, [current]);
  return (
    <li ref={ref} className={`check-row check-row-${status}${current ? ' check-row-current' : ''}`} data-testid={`check-row-${id}`} data-status={status} aria-current={current ? 'step' : undefined}>
      <StatusMark status={status} index={index} />
      <div className="check-row-body">
        <div className="check-row-head">
          <h3 className="check-row-title">{stepTitles[id]}</h3>
          <StatusText status={status} />
        </div>
        <p className="check-row-detail">{detail}</p>
        {progress !== null && status === 'running' && <ProgressBar value={progress} label={`${stepTitles[id]} progress`} />}
        {children}
        {(row.status === 'warn' || row.status === 'fail') && <p className="check-row-advice">{row.tip}</p>}
        {row.status === 'skipped' && row.bySite && <p className="check-row-site">That is this site's setup, not a problem with your network.</p>}
      </div>
    </li>
  );
}

/** The camera's picture, mirrored like a selfie. */
export function CameraPreview({ stream }: { stream: MediaStream }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    video.srcObject = stream;
    video.play().catch(() => undefined);
    return () => {
      video.srcObject = null;
    };
  }, [stream]);
  return <video ref={ref} className="check-preview" muted playsInline autoPlay aria-label="Your camera" data-testid="check-camera-preview" />;
}

/** A live bar for the microphone; loud enough shows green. */
export function LevelMeter({ level }: { level: number }) {
  // Speech peaks are small numbers; the square root makes quiet voices visible.
  const percent = Math.round(Math.min(1, Math.sqrt(level) * 1.4) * 100);
  return (
    <div className="check-meter" aria-hidden="true" data-testid="check-mic-meter">
      <span className={`check-meter-fill${level > 0.04 ? ' check-meter-heard' : ''}`} style={{ width: `${percent}%` }} />
    </div>
  );
}

export function SpeakerQuestion({ onAnswer, onReplay }: { onAnswer(heard: boolean): void; onReplay(): void }) {
  return (
    <div className="check-question" role="group" aria-label="Did you hear the sound?">
      <p className="check-question-text">Did you hear the sound?</p>
      <div className="check-question-actions">
        <Button onClick={() => onAnswer(true)} data-testid="check-speaker-yes">
          I heard it
        </Button>
        <Button variant="secondary" onClick={() => onAnswer(false)} data-testid="check-speaker-no">
          I didn't
        </Button>
      </div>
      <button type="button" className="link-button" onClick={onReplay}>
        Play the sound again
      </button>
    </div>
  );
}
