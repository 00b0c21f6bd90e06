import type { ClassParticipant, ClassState } from '@tutorline/contracts';
import { plural } from '../../lib/format';
import { Button } from '../../ui/button';
import type { ClassroomConnection } from './classroom-connection';
import './class-recording.css';

/** Everyone sees it while the class is recorded: a red dot and "Recording" (from the stored state, so after a reload too). */
export function RecordingIndicator({ state }: { state: ClassState | null }) {
  if (!state?.recordingSince) return null;
  return (
    <span className="class-recording" role="status" data-testid="class-recording-indicator">
      <span className="class-recording-dot" aria-hidden="true" />
      Recording
    </span>
  );
}

/** The teacher's start/stop; the server refuses it to anyone else and says why when it cannot record. */
export function RecordingButton({ c, state }: { c: ClassroomConnection; state: ClassState | null }) {
  const on = Boolean(state?.recordingSince);
  return (
    <Button variant={on ? 'danger' : 'secondary'} data-testid="class-record" onClick={() => void c.command({ type: 'record', on: !on })}>
      {on ? 'Stop recording' : 'Record'}
    </Button>
  );
}

/** Who is left out of the recording (learners under 18 without a guardian's consent on file), told to them and the teacher. */
export function RecordingNote({ selfId, teacher, participants }: { selfId: string | null; teacher: boolean; participants: ClassParticipant[] }) {
  const me = participants.find((p) => p.userId === selfId);
  if (me?.leftOutOfRecording)
    return (
      <p className="class-recording-note" data-testid="class-recording-note">
        Your camera and microphone are not recorded: that needs a parent&rsquo;s or guardian&rsquo;s consent on file.
      </p>
    );
  if (!teacher) return null;
  const left = participants.filter((p) => p.role === 'learner' && p.leftOutOfRecording && !p.removed);
  if (!left.length) return null;
  return (
    <p className="class-recording-note" data-testid="class-recording-note">
      {plural(left.length, { one: '# learner is', other: '# learners are' })} left out of recordings (no guardian consent on file): {left.map((p) => p.displayName).join(', ')}.
    </p>
  );
}
