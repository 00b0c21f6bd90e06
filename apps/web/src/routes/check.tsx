import { CameraPreview, CheckRow, CheckSummary, LevelMeter, SpeakerQuestion, stepIds, useConnectivityCheck } from '../features/check';
import { usePageTitle } from '../lib/page-title';
import { Button } from '../ui/button';
import { ProgressBar } from '../ui/progress-bar';

/** The connectivity self-test: open to everyone, logged in or not. */
export function CheckPage() {
  usePageTitle('Check your connection');
  const check = useConnectivityCheck();
  const { phase, rows, current } = check;
  const step = current ? stepIds.indexOf(current) + 1 : stepIds.length;

  return (
    <section className="page page-narrow check-page" data-testid="check-page" data-phase={phase} aria-labelledby="check-title">
      <div>
        <p className="eyebrow">Before your lesson</p>
        <h1 id="check-title">Check your connection</h1>
        <p className="lead">In about a minute we test your camera, microphone, speaker and internet, so your video lessons work well.</p>
      </div>

      {phase === 'idle' && (
        <div className="card check-intro">
          <ul className="check-intro-list">
            <li>We will ask to use your camera and microphone. Tap <strong>Allow</strong>.</li>
            <li>Turn your volume up: we will play a short sound.</li>
            <li>Nothing is recorded.</li>
          </ul>
          <Button className="btn-large" block onClick={check.start} data-testid="check-start">
            Start the check
          </Button>
        </div>
      )}

      {(phase === 'saving' || phase === 'done') && (
        <CheckSummary rows={rows} setup={check.setup} report={check.report} saving={phase === 'saving'} saveError={check.saveError} onRetrySave={check.retrySave} onRestart={check.start} />
      )}

      {phase !== 'idle' && (
        <div className="check-progress" aria-live="polite">
          <p className="check-progress-text">{phase === 'running' ? `Step ${step} of ${stepIds.length}` : 'All steps done'}</p>
          <ProgressBar value={check.progress} label="Test progress" tone={phase === 'running' ? 'primary' : 'success'} testId="check-progress" />
        </div>
      )}

      <ol className="check-rows" aria-label="Tests">
        {stepIds.map((id, i) => (
          <CheckRow key={id} id={id} index={i + 1} current={current === id} row={rows[id]}>
            {id === 'camera' && check.preview && <CameraPreview stream={check.preview} />}
            {id === 'microphone' && rows.microphone.status === 'running' && <LevelMeter level={check.micLevel} />}
            {id === 'speaker' && check.speakerAsked && <SpeakerQuestion onAnswer={check.answerSpeaker} onReplay={check.replayTone} />}
          </CheckRow>
        ))}
      </ol>
    </section>
  );
}
