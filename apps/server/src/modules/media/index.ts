export { checkPhoto, PHOTO_LIMITS } from './media.rules';
export { createPhotoService, type PhotoService, type StoredPhoto } from './media.service';
