import type { RecordingView } from '@tutorline/contracts';
import { useState } from 'react';
import { Button } from '../../ui/button';
import { recordingLength } from './class-recordings';
import './recordings.css';

/** One recording: each recorded participant is a separate WebM (decision 049), played by the browser from a range-capable route. */
export function RecordingPlayer({ r }: { r: RecordingView }) {
  const [part, setPart] = useState(0);
  const file = r.files[part];
  if (r.status !== 'ready' || !file) return <p className="muted">{recordingLength(r)}</p>;
  return (
    <div className="recording-player">
      <video key={file.url} className="recording-video" data-testid="recording-video" src={file.url} controls playsInline preload="metadata" />
      {r.files.length > 1 && (
        <div className="recording-parts" role="group" aria-label="Cameras in this recording">
          {r.files.map((f, i) => (
            <Button key={f.feed} variant={i === part ? 'primary' : 'secondary'} aria-pressed={i === part} onClick={() => setPart(i)}>
              Camera {i + 1}
            </Button>
          ))}
        </div>
      )}
      <p className="muted">Length {recordingLength(r)}</p>
    </div>
  );
}
