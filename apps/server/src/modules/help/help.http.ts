import { AppError, badRequest, conflict, forbidden, notFound, type RefusalTable } from '../../platform/errors';
import { consentRequired } from '../identity';
import { photoErrors } from '../media';
import type { AskFailure, CancelFailure, ClaimFailure, RateFailure, UploadFailure } from './help.service';

/**
 * Help's refusals as HTTP errors: the status, code and words of every reason, in one place (decision 039). The service
 * answers with reasons; only the routes turn them into these, so a reworded message here changes what a browser reads
 * and nothing else (WhatsApp words the same reasons itself).
 */
const takenByAnother = 'This question was taken by another tutor.';

export const claimErrors = {
  not_found: () => notFound('That question'),
  not_eligible: () => forbidden('You cannot take this question: it is outside your approved subjects.'),
  busy: () => conflict('Finish your current session before taking another question.'),
  taken: () => conflict(takenByAnother),
  expired: () => conflict('This question has expired.'),
  cancelled: () => conflict('The student cancelled this question.'),
} satisfies RefusalTable<ClaimFailure>;

export const askErrors = {
  consent_required: () => consentRequired('ask'),
  guardian_limit: ({ detail }) => new AppError(403, 'guardian_limit', detail.message, { kind: detail.kind }),
  payment_required: ({ detail }) => new AppError(403, 'payment_required', detail.message, detail.details),
  unknown_subject: () => badRequest('That subject and level are not in the catalogue.', [{ path: 'body.level', message: 'unknown subject or level' }]),
  unknown_photo: () => badRequest('One of the photos was not found, or belongs to another question. Please upload it again.', [{ path: 'body.photoIds', message: 'unknown photo' }]),
  not_in_course: () => forbidden('You are not in that course, so a question cannot be asked for it. Open Tutorline from the course again.'),
} satisfies RefusalTable<AskFailure>;

export const uploadErrors = {
  consent_required: () => consentRequired('upload'),
  ...photoErrors,
} satisfies RefusalTable<UploadFailure>;

export const cancelErrors = {
  not_found: () => notFound('That question'),
  already_claimed: () => conflict('A tutor already took this question; end the session instead.'),
  closed: () => conflict('This question is already closed.'),
  changed: () => conflict('This question changed just now; please look again.'),
} satisfies RefusalTable<CancelFailure>;

export const rateErrors = {
  not_found: () => notFound('That question'),
  not_answered: () => conflict('You can rate a question once the tutor has answered it.'),
  already_rated: () => conflict('You already rated this question.'),
} satisfies RefusalTable<RateFailure>;
