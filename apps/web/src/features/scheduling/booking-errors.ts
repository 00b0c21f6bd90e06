import { ApiError } from '../../lib/api';
import { translate, type MessageKey } from '../../i18n';

/** Server error codes the booking pages explain in the reader's language (issue #21); the server's words are English. */
const wordsByCode: Partial<Record<string, MessageKey>> = {
  network_error: 'booking.error.network',
  conflict: 'booking.error.conflict',
  consent_required: 'booking.error.consent',
  guardian_limit: 'booking.error.guardianLimit',
  hold_expired: 'booking.error.holdExpired',
  too_late_to_reschedule: 'booking.error.tooLate',
  payment_required: 'booking.error.paymentRequired',
  rate_limited: 'booking.error.rateLimited',
  not_found: 'booking.error.notFound',
  forbidden: 'booking.error.forbidden',
  unauthenticated: 'booking.error.unauthenticated',
  validation_failed: 'booking.error.invalid',
};

/** The words for an error on a booking page: by the server's code, else a general "try again". */
export function bookingErrorText(error: unknown): string {
  const key = error instanceof ApiError ? wordsByCode[error.code] : undefined;
  return translate(key ?? 'booking.error.generic');
}
