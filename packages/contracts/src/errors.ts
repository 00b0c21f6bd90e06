import { z } from 'zod';

/** Every 4xx/5xx response body has this shape. */
export const errorCodes = [
  'validation_failed',
  'invalid_json',
  /** The JSON body nests arrays/objects deeper than the server reads (checked before parsing). */
  'json_too_deep',
  'unsupported_media_type',
  'payload_too_large',
  'unauthenticated',
  'forbidden',
  'origin_forbidden',
  'not_found',
  'conflict',
  'email_taken',
  'phone_taken',
  'invalid_credentials',
  'rate_limited',
  'consent_required',
  /** A guardian's limit (allowed hours, monthly spending) refuses this ask or booking; the message says which. */
  'guardian_limit',
  /** A booked lesson's room is not open yet (details.opensAt says when). */
  'too_early',
  /** A booked lesson is over (or cancelled): its room cannot be opened. */
  'lesson_ended',
  /** A class is full (every seat taken). */
  'class_full',
  /** A booking's payment hold lapsed before it was confirmed; the slot was released. */
  'hold_expired',
  /** Inside the tutor's late window a lesson can only be cancelled (a late cancellation), not moved. */
  'too_late_to_reschedule',
  /** Asking (or booking) needs a plan with questions left, the grace period, or credits: the message says what to do next. */
  'payment_required',
  /** A staff retry of a job that already succeeded (it could do its work twice). */
  'already_succeeded',
  /** A feature this server has not been set up for (payouts without PAYOUT_PROVIDER): the message says what is off. */
  'not_configured',
  'service_unavailable',
  'internal_error',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
    requestId: z.string().optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

export interface FieldIssue {
  path: string;
  message: string;
}
