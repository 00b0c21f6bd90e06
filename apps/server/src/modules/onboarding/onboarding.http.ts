import { AppError, badRequest, conflict, notFound, type RefusalTable } from '../../platform/errors';
import { MAX_DOCUMENTS } from './onboarding.rules';
import type { DocumentFailure, DraftFailure, StaffApplicationFailure, TutorApplicationFailure } from './onboarding.service';

/** Onboarding's refusals as HTTP errors and words, in one place (decision 039). */

const statusWords: Record<string, string> = {
  draft: 'a draft',
  applied: 'waiting for review',
  under_review: 'under review',
  needs_info: 'waiting for your changes',
  approved: 'approved',
  rejected: 'not approved',
};
const notEditable = (status: string) => conflict(`Your application is ${statusWords[status] ?? status}, so it cannot be changed now. Nothing was changed.`);

export const draftErrors = {
  not_editable: ({ detail }) => notEditable(detail.status),
  unknown_subject: ({ detail }) =>
    badRequest(`${detail.subjectId} at ${detail.level} is not in the subjects catalogue.`, [{ path: 'subjects', message: 'unknown subject or level' }]),
  contact_details: ({ detail }) => badRequest(detail.message, [{ path: 'bio', message: `contains contact details (${detail.categories.join(', ')})` }]),
} satisfies RefusalTable<DraftFailure>;

export const documentErrors = {
  not_editable: ({ detail }) => notEditable(detail.status),
  too_many_documents: () => conflict(`An application holds at most ${MAX_DOCUMENTS} documents. Remove one before adding another.`),
  too_big: () => new AppError(413, 'payload_too_large', 'The document is larger than 10 MB. Please send a smaller file or a photo of it.'),
  not_a_document: () => badRequest('This file is neither a PDF nor a photo (JPEG, PNG or WebP), judging by its content. Please send one of those.', [{ path: 'file', message: 'not a PDF or an image' }]),
  document_rejected: ({ detail }) => badRequest(detail.message, [{ path: 'file', message: detail.message }]),
  rate_limited: ({ detail }) => new AppError(429, 'rate_limited', detail.message, { reason: detail.reason, retryAfterSeconds: detail.retryAfterSeconds }),
} satisfies RefusalTable<DocumentFailure>;

export const tutorApplicationErrors = {
  no_application: () => notFound('Your application'),
  not_found: () => notFound('That document'),
  not_editable: ({ detail }) => notEditable(detail.status),
  incomplete: ({ detail }) => badRequest(`Your application is not complete yet. Still missing: ${detail.missing.join('; ')}.`, detail.missing.map((m) => ({ path: 'application', message: m }))),
} satisfies RefusalTable<TutorApplicationFailure>;

const events: Record<string, string> = { start_review: 'start its review', request_info: 'ask for more information on it', approve: 'approve it', reject: 'reject it' };

export const staffApplicationErrors = {
  not_found: () => notFound('That application'),
  forbidden_transition: ({ detail }) =>
    conflict(`The application is ${statusWords[detail.status] ?? detail.status}; you cannot ${events[detail.event] ?? detail.event} now.${detail.status === 'applied' ? ' Start the review first.' : ''} Nothing was changed.`),
  already_decided: ({ detail }) =>
    conflict(`Another reviewer already ${detail.status === 'approved' ? 'approved' : 'rejected'} this application${detail.at ? ` at ${detail.at}` : ''}. Reload it to see their decision; nothing was changed.`),
  not_applied_for: ({ detail }) =>
    badRequest(`The tutor did not apply for ${detail.pairs.map((p) => `${p.subjectId} (${p.level})`).join(', ')}. Approve only subjects and levels they applied for; nothing was changed.`, [
      { path: 'subjects', message: 'not applied for' },
    ]),
  nothing_approved: () => badRequest('Choose at least one subject and level to approve, or reject the application.', [{ path: 'subjects', message: 'choose at least one' }]),
  subjects_on_reject: () => badRequest('A rejection approves no subjects: leave the subjects empty.', [{ path: 'subjects', message: 'must be empty when rejecting' }]),
  stale: () => conflict('The application changed while you were looking at it. Reload it and decide again; nothing was changed.'),
} satisfies RefusalTable<StaffApplicationFailure>;
