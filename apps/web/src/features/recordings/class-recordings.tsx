import type { RecordingView } from '@tutorline/contracts';
import { Link } from 'react-router';
import { formatCountdown, formatDateTime } from '../../lib/format';
import { useClassRecordings } from './recordings-queries';
import './recordings.css';

const statusWords: Record<RecordingView['status'], string> = {
  recording: 'Recording now',
  converting: 'Being prepared…',
  ready: 'Ready',
  failed: 'Could not be prepared',
};

/** The duration of a recording as a clock ("4:05"), or its status while it has none. */
export const recordingLength = (r: RecordingView) => (r.status === 'ready' && r.durationMs !== null ? formatCountdown(r.durationMs / 1000) : statusWords[r.status]);

/** On the class page, for its teacher and enrolled learners: the class's recordings with their length, each a link to the player. */
export function ClassRecordings({ classId, zone }: { classId: string; zone: string }) {
  const q = useClassRecordings(classId);
  if (q.isPending || q.isError || q.data.length === 0) return null;
  return (
    <section className="card" aria-labelledby="class-recordings" data-testid="class-recordings">
      <h2 id="class-recordings">Recordings</h2>
      <ul className="recording-list">
        {q.data.map((r) => (
          <li key={r.id} className="recording-item">
            {r.status === 'ready' ? <Link to={`/recordings/${r.id}`}>{formatDateTime(r.createdAt, { zone })}</Link> : <span>{formatDateTime(r.createdAt, { zone })}</span>}
            <span className="recording-length" data-testid="recording-length">
              {recordingLength(r)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
