import type {} from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type RefusalTable } from '../../platform/errors';
import type { PhotoRefusal } from './media.service';
import { PHOTO_LIMITS } from './media.rules';

/** Media's refusals as HTTP errors, in one place: the upload limits are a 429 with Retry-After, a bad photo a 400 on `file`. */
export const photoErrors = {
  rate_limited: ({ detail }) => new AppError(429, 'rate_limited', detail.message, { reason: detail.reason, retryAfterSeconds: detail.retryAfterSeconds }),
  photo_rejected: ({ detail }) => new AppError(400, 'validation_failed', detail.message, { fields: [{ path: 'file', message: detail.message }] }),
} satisfies RefusalTable<PhotoRefusal>;

/** The body limit of a photo upload route: the photo plus the multipart envelope. */
export const PHOTO_UPLOAD_BODY_LIMIT = PHOTO_LIMITS.maxBytes + 64 * 1024;

/** Reads the one photo of a multipart upload (field "file"), refusing anything else with a clear 4xx. */
export async function receivePhotoUpload(request: FastifyRequest): Promise<Buffer> {
  if (!request.isMultipart()) throw new AppError(415, 'unsupported_media_type', 'Send the photo as multipart/form-data in a field named "file".');
  const file = await request.file({ limits: { fileSize: PHOTO_LIMITS.maxBytes, files: 1, fields: 2 } });
  if (!file || file.fieldname !== 'file') throw new AppError(400, 'validation_failed', 'Add the photo in a field named "file".', { fields: [{ path: 'file', message: 'is required' }] });
  const tooLarge = () => new AppError(413, 'payload_too_large', 'The photo is larger than 10 MB. Please send a smaller one.');
  const data = await file.toBuffer().catch((err: { code?: string }) => {
    if (err.code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
    throw err;
  });
  // toBuffer() misses the limit when it falls exactly on a chunk boundary and returns the cut-off file.
  if (file.file.truncated) throw tooLarge();
  return data;
}

/** Sends a stored (re-encoded) photo so that a browser renders it only as an image, never as a page. */
export function sendPhoto(reply: FastifyReply, photoId: string, data: Buffer, maxAgeSeconds = 3600) {
  return reply
    .header('content-type', 'image/jpeg')
    .header('x-content-type-options', 'nosniff')
    .header('content-disposition', `inline; filename="photo-${photoId}.jpg"`)
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cache-control', `private, max-age=${maxAgeSeconds}`)
    .send(data);
}
