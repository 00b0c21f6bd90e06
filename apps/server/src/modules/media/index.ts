import type { PhotoService } from './media.service';
import type { UploadQuota } from './media.quota';

export { checkPhoto, PHOTO_LIMITS, thumbKeyOf } from './media.rules';
export { createPhotoService, type PhotoRefusal, type PhotoService, type StoredPhoto } from './media.service';
export { PHOTO_UPLOAD_BODY_LIMIT, photoErrors, receivePhotoUpload, sendPhoto } from './media.http';
export { createMediaRepo, type MediaRepo } from './media.repo';
export { createUploadQuota, type UploadQuota } from './media.quota';
export type { UploadLimits } from './media.rules';
export { mediaModule } from './media.install';

declare module 'fastify' {
  interface FastifyInstance {
    /** Photo storage and the upload quota (tutorline-media). */
    media: { photos: PhotoService; uploadQuota: UploadQuota };
  }
}
export { createMediaErasure, MEDIA_ERASURE_RULES } from './media.erasure.repo';
