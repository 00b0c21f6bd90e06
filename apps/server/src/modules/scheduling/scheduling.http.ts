import { AppError, badRequest, conflict, forbidden, notFound, type RefusalTable } from '../../platform/errors';
import { consentRequired } from '../identity';
import type { SeriesFailure } from './scheduling.series';
import type { BookFailure, ConfirmHoldFailure, ReleaseHoldFailure, SlotRefusal } from './scheduling.service';

/**
 * Scheduling's refusals as HTTP errors and words, in one place (decision 039). Services answer with reasons; routes
 * turn them into these, and the weekly series uses the same words for the weeks it skips.
 */
export const slotTakenMessage = 'That slot was just taken. Please choose another time.';

/** The words of a slot the rules refuse: a booking's and a reschedule's 400, and a series' skipped week. */
export const problemMessages: Record<SlotRefusal, string> = {
  too_soon: 'That slot starts too soon: the tutor needs more notice.',
  beyond_horizon: 'That slot is too far ahead: the tutor does not take bookings that far out.',
  outside_availability: 'The tutor is not available at that time.',
  duration_not_offered: 'The tutor does not offer lessons of that length.',
  day_full: 'The tutor is fully booked that day.',
};

const slotRefused = (problem: SlotRefusal) => new AppError(400, 'validation_failed', problemMessages[problem], { reason: problem });

/** A lost slot: 409 with the fresh slots of that day (or, where none were asked for, the bare reason). */
export const slotTakenError = (slots: unknown[] | null) => new AppError(409, 'conflict', slotTakenMessage, slots ? { slots } : { reason: 'conflict' });

export const bookErrors = {
  consent_required: () => consentRequired('book'),
  guardian_limit: ({ detail }) => new AppError(403, 'guardian_limit', detail.message, { kind: detail.kind }),
  subject_not_taught: () => badRequest('The tutor does not teach that subject and level.', [{ path: 'subject', message: 'is not a subject and level this tutor teaches' }]),
  tutor_not_found: () => notFound('That tutor'),
  tutor_blocked: () => forbidden('You blocked this tutor, so you cannot book lessons with them. Unblock them first if you want to.'),
  no_availability: () => notFound('That tutor’s availability'),
  slot_taken: ({ detail }) => slotTakenError(detail.slots),
  too_soon: () => slotRefused('too_soon'),
  beyond_horizon: () => slotRefused('beyond_horizon'),
  outside_availability: () => slotRefused('outside_availability'),
  duration_not_offered: () => slotRefused('duration_not_offered'),
  day_full: () => slotRefused('day_full'),
  not_in_course: () => forbidden('You are not in that course, so a lesson cannot be booked for it. Open Tutorline from the course again.'),
} satisfies RefusalTable<BookFailure>;

export const seriesErrors = {
  consent_required: bookErrors.consent_required,
  tutor_not_found: bookErrors.tutor_not_found,
  tutor_blocked: bookErrors.tutor_blocked,
  no_availability: bookErrors.no_availability,
  not_in_course: bookErrors.not_in_course,
} satisfies RefusalTable<SeriesFailure>;

/** Confirming and releasing a hold have no route of their own (billing calls them); their words, should one answer them. */
export const confirmHoldErrors = {
  not_found: () => notFound('That booking'),
  hold_expired: ({ detail }) =>
    new AppError(
      409,
      'hold_expired',
      detail.slotGone
        ? 'The time to pay for this booking ran out and the slot is no longer free, so the payment is refunded. Please book again.'
        : 'The time to pay for this booking ran out, so the slot was released. Please book again.',
    ),
  not_confirmable: ({ detail }) => conflict(`This booking is ${detail.status} and cannot be confirmed.`),
} satisfies RefusalTable<ConfirmHoldFailure>;

export const releaseHoldErrors = {
  not_found: () => notFound('That booking'),
} satisfies RefusalTable<ReleaseHoldFailure>;
