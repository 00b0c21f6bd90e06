import { z } from 'zod';

/** Every 4xx/5xx response body has this shape. */
export const errorCodes = [
  'validation_failed',
  'invalid_json',
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
