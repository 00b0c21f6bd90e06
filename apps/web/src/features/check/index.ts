export { CameraPreview, CheckRow, LevelMeter, SpeakerQuestion } from './check-row';
export { stepIds, stepTitles } from './check-steps';
export { CheckSummary } from './check-summary';
export { ReportView } from './report-view';
export { useConnectivityCheck } from './use-connectivity-check';
