import { AppError, badRequest, conflict, forbidden, notFound, type RefusalTable } from '../../platform/errors';
import type { CardCheckFailure } from './guardians.card-check';
import type { ConsentFailure, InviteFailure, LinkFailure, OtpFailure } from './guardians.consent';
import type { Fail } from '../../platform/result';
import type { SharingFailure } from './guardians.sharing';

/** Guardians' refusals as HTTP errors and words, in one place (decision 039). */
const notYourChild = () => notFound('That child');

export const inviteErrors = {
  not_a_student: () => forbidden('Only a student can name their guardian.'),
  consent_not_needed: () => conflict('You do not need a guardian’s consent, or it is already given. Nothing was sent.'),
  bad_contact: () => badRequest('Give your guardian’s email, or their WhatsApp number with the country code (such as +919812345678).', [{ path: 'body.contact', message: 'must be an email or an E.164 number' }]),
} satisfies RefusalTable<InviteFailure>;

export const linkErrors = {
  invite_not_found: () => notFound('That guardian link'),
  invite_expired: () => new AppError(410, 'not_found', 'This guardian link has expired. Ask your child to send a new one from their settings.'),
  not_a_guardian: () => forbidden('Log in with a guardian account to accept this link (or create one on this page).'),
  too_many_guardians: () => conflict('This child already has two guardians. Nothing was changed.'),
} satisfies RefusalTable<LinkFailure>;

export const otpErrors = {
  not_your_child: notYourChild,
  same_number: () => badRequest('The code must go to your own number, not your child’s. Use a different WhatsApp number.', [{ path: 'body.phone', message: 'must differ from the child’s number' }]),
  no_channel: () => new AppError(503, 'service_unavailable', 'WhatsApp is not available right now, so no code can be sent. Please try again later.'),
} satisfies RefusalTable<OtpFailure>;

export const consentErrors = {
  not_your_child: notYourChild,
  no_code: () => badRequest('Ask for a code first.', [{ path: 'body.code', message: 'no code was sent' }]),
  code_expired: () => badRequest('That code has expired. Ask for a new one.', [{ path: 'body.code', message: 'has expired' }]),
  code_wrong: () => badRequest('That code is not right. Check the WhatsApp message and try again.', [{ path: 'body.code', message: 'is not right' }]),
  too_many_attempts: () => badRequest('Too many wrong codes. Ask for a new one.', [{ path: 'body.code', message: 'too many attempts' }]),
  code_used: () => badRequest('That code was already used. Ask for a new one.', [{ path: 'body.code', message: 'already used' }]),
  declaration_required: () => badRequest('Type your full name and tick the box to sign the declaration.', [{ path: 'body.fullName', message: 'sign the declaration' }]),
  declaration_changed: () => conflict('The declaration text has changed since the page was opened. Reload the page, read it again and sign.'),
} satisfies RefusalTable<ConsentFailure>;

export const childErrors = { not_your_child: notYourChild } satisfies RefusalTable<Fail<'not_your_child'>>;

export const cardCheckErrors = {
  not_your_child: notYourChild,
  already_consented: () => conflict('Consent for this child is already recorded. Nothing was charged.'),
  declaration_required: consentErrors.declaration_required,
  declaration_changed: consentErrors.declaration_changed,
  card_check_unavailable: () => new AppError(503, 'service_unavailable', 'A card check is not available for this child’s currency. Use the WhatsApp code instead.'),
} satisfies RefusalTable<CardCheckFailure>;

export const sharingErrors = {
  not_your_child: notYourChild,
  consent_first: () => conflict('Give your consent for this child first; sharing with third parties builds on it. Nothing was changed.'),
  declaration_required: () => badRequest('Type your full name and tick the box to confirm.', [{ path: 'body.fullName', message: 'sign the statement' }]),
  declaration_changed: consentErrors.declaration_changed,
} satisfies RefusalTable<SharingFailure>;
