import type { PhotoCleanup } from './help.photos';
import type { HelpService } from './help.service';

export { createDispatch, EXPIRE_QUEUE, WAVE_QUEUE } from './help.dispatch';
export { defaultHelpRates } from './help.rates';
export { createHelpRepo } from './help.repo';
export { removeOldQuestionPhotos } from './help.retention.repo';
export { helpRoutes } from './help.routes';
export { type AskRefusal, askRefusals, type CancelRefusal, type ClaimRefusal, claimRefusals, type DispatchConfig, defaultDispatchConfig, type RateRefusal, type UploadRefusal, uploadRefusals } from './help.rules';
export { type AskFailure, type CancelFailure, type ClaimFailure, createHelpService, type HelpBilling, type HelpEmitter, type HelpService, type PaymentNeeded, type RateFailure, type UploadFailure } from './help.service';
export { createPhotoCleanup, PHOTO_CLEANUP_QUEUE, type PhotoCleanup } from './help.photos';
export { type AnsweredQuestion, answeredQuestionsBetween, helpRatingsOf, questionsAsked, sessionsOfCourse } from './help.lookups.repo';
export { HELP_BILLING, HELP_COURSES, type HelpCourses, HELP_SAFETY, type HelpSafety, HELP_USER_EVENT, type HelpUserEvent, QUESTION_RATED } from './help.events';
export { helpModule } from './help.install';

declare module 'fastify' {
  interface FastifyInstance {
    /** Instant help, and the cleanup of unattached photos (tutorline-help). */
    help: { help: HelpService; photoCleanup: PhotoCleanup };
  }
}
export { CLAIM_SECONDS_BOUNDS, helpRollupFacts, openQuestionsNow, tutorsOnlineNow, tutorsPerSubjectNow } from './help.rollups.repo';
export { helpTutorQuality, type RatingWeek } from './help.quality.repo';
export { createHelpExport } from './help.export.repo';
export { questionForSupport, questionsForSupport, type SupportQuestion } from './help.support.repo';
export { createHelpErasure, HELP_ERASURE_RULES } from './help.erasure.repo';
