export { BlockedTutors } from './blocked-tutors';
export { ReportPersonButton, ReportPersonDialog } from './report-person-dialog';
export { ReviewNotice } from './review-notice';
export { SafetyReportView } from './safety-report-view';
export { SafetyFlags, SafetyQueue } from './safety-queue';
export { type BlockedTutor, useBlockedTutors, useCloseReport, useReportPerson, useSafetyFlags, useSafetyQueue, useSafetyReport, useUnblock } from './use-safety';
export { categoryShort, categoryWords, flagWords } from './words';
