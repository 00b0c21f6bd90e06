import type { RecordingsService } from './recordings.service';

export { type Authorize, CONVERT_QUEUE, createRecordingsService, type OpenFail, type RecordingsService, type StartFail, type StopFail, type Viewer } from './recordings.service';
export { createRecordingsRepo, type RecordingRow } from './recordings.repo';
export { type ConvertTools, convertRecording, probe } from './recordings.convert';
export { installRecordingJobs, RETENTION_SWEEP_QUEUE } from './recordings.jobs';
export { recordingsModule } from './recordings.install';

declare module 'fastify' {
  interface FastifyInstance {
    /** Class recordings: start/stop, conversion, retention, streaming (tutorline-recordings). */
    recordings: RecordingsService;
  }
}
export { createRecordingsErasure, RECORDINGS_ERASURE_RULES } from './recordings.erasure.repo';
