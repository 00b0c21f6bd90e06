/**
 * Class recordings as the page sees them (issue #15, decision 049): one WebM per recorded participant, streamed from
 * `GET /api/recordings/:id/feeds/:feed` with HTTP ranges, to the class's teacher, its enrolled learners and admins.
 */
export interface RecordingFileView {
  feed: number;
  durationMs: number;
  bytes: number;
  /** Where the page plays it from. */
  url: string;
}

export interface RecordingView {
  id: string;
  /** The class it recorded. */
  classId: string;
  status: 'recording' | 'converting' | 'ready' | 'failed';
  createdAt: string;
  stoppedAt: string | null;
  /** The longest participant's part, once converted. */
  durationMs: number | null;
  files: RecordingFileView[];
}
