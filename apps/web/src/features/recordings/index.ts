export { ClassRecordings } from './class-recordings';
export { RecordingPlayer } from './recording-player';
export { useRecording } from './recordings-queries';
