import type { SessionRecState } from '@tutorline/contracts';
import { Button } from '../../ui/button';
import type { RecordingSnapshot, SessionRecording } from './session-recording';
import './recording-bar.css';

/**
 * Recording a 1:1 session (decision 056): ask; the other is asked and must agree (declining, or not answering in
 * time, records nothing); both see "● Recording" and either one stops it at any time.
 */
export function RecordingBar({ rec, snapshot, selfId, otherName, sfuError }: { rec: SessionRecording; snapshot: RecordingSnapshot; selfId: string; otherName: string; sfuError: string | null }) {
  const s: SessionRecState = snapshot.state;
  const busy = snapshot.pending;
  return (
    <div className="rec-bar" data-testid="rec-bar" data-rec-status={s.status} data-sfu={s.sfu}>
      {s.status === 'off' && (
        <Button variant="secondary" data-testid="rec-ask" disabled={busy} onClick={() => void rec.ask()}>
          Ask to record
        </Button>
      )}
      {s.status === 'asked' && s.askedBy === selfId && (
        <>
          <span role="status">Waiting for {otherName} to agree to recording…</span>
          <Button variant="secondary" data-testid="rec-cancel" disabled={busy} onClick={() => void rec.stop()}>
            Cancel
          </Button>
        </>
      )}
      {s.status === 'asked' && s.askedBy !== selfId && (
        <div className="rec-prompt" role="alertdialog" aria-labelledby="rec-prompt-text" data-testid="rec-prompt">
          <p id="rec-prompt-text">
            <strong>{otherName} asks to record this session.</strong> Both of you will be recorded, and only you two (and Tutorline staff) can watch it.
          </p>
          <div className="rec-prompt-actions">
            <Button data-testid="rec-agree" disabled={busy} onClick={() => void rec.answer(true)}>
              Agree
            </Button>
            <Button variant="secondary" data-testid="rec-decline" disabled={busy} onClick={() => void rec.answer(false)}>
              Decline
            </Button>
          </div>
        </div>
      )}
      {s.status === 'starting' && <span role="status">Starting the recording…</span>}
      {s.status === 'recording' && (
        <>
          <span className="rec-indicator" role="status" data-testid="rec-indicator">
            <span className="rec-dot" aria-hidden="true" />
            Recording
          </span>
          <Button variant="danger" data-testid="rec-stop" disabled={busy} onClick={() => void rec.stop()}>
            Stop recording
          </Button>
        </>
      )}
      {(snapshot.error ?? sfuError) && (
        <p className="rec-error" role="alert" data-testid="rec-error">
          {snapshot.error ?? sfuError}
        </p>
      )}
    </div>
  );
}
