import type { Logger } from '../../platform/logger';
import type { ClassroomMediaPort } from '../classroom';

/** The recordings module as the class's media uses it (decision 049). */
export interface ClassRecorder {
  recordDirFor(sfuRoom: number): string;
  start(req: { roomRef: string; sfuRoom: number; secret: string; ownerId: string }): Promise<{ ok: true; value: { id: string } } | { ok: false; reason: string }>;
  stop(id: string, secret: string): Promise<{ ok: true } | { ok: false; reason: string }>;
}

type Room = { room: number; secret: string };

/**
 * A class's recording at the media server (decision 049): the class's Janus room (made on demand) is recorded through
 * the recordings module, owned by the teacher. Learners without guardian consent were excluded when they joined
 * (classmedia.service.ts `member`), so their media is never written. Called behind the class's lock.
 */
export function createClassRecording(deps: {
  recorder: ClassRecorder;
  logger: Logger;
  openRoom: (classId: string) => Promise<{ ok: true; value: Room } | { ok: false }>;
  room: (classId: string) => Room | null;
}): { record: ClassroomMediaPort['record'] } {
  const unavailable = { ok: false as const, reason: 'recording_unavailable' as const };
  return {
    async record(classId, req) {
      if (!req.on) {
        // A room Janus lost (a restart) has closed its files already: the recording still stops and converts.
        const r = await deps.recorder.stop(req.recordingId, deps.room(classId)?.secret ?? '');
        if (!r.ok && r.reason !== 'not_recording' && r.reason !== 'not_found') {
          deps.logger.warn({ event: 'classmedia_recording_stop_refused', classId, reason: r.reason }, 'the class recording did not stop');
          return unavailable;
        }
        return { ok: true, value: { recordingId: req.recordingId } };
      }
      const room = await deps.openRoom(classId);
      if (!room.ok) return unavailable;
      const r = await deps.recorder.start({ roomRef: classId, sfuRoom: room.value.room, secret: room.value.secret, ownerId: req.teacherId });
      if (!r.ok) {
        deps.logger.warn({ event: 'classmedia_recording_refused', classId, reason: r.reason }, 'the class could not be recorded');
        return unavailable;
      }
      return { ok: true, value: { recordingId: r.value.id } };
    },
  };
}
