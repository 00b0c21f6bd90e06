import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { AppError } from '../../platform/errors';
import type { Storage } from '../../platform/storage';
import type { UploadQuota } from './media.quota';
import { checkPhoto, PHOTO_LIMITS } from './media.rules';

export interface StoredPhoto {
  key: string;
  thumbKey: string;
  width: number;
  height: number;
  bytes: number;
  contentType: 'image/jpeg';
}

const photoError = (message: string) => new AppError(400, 'validation_failed', message, { fields: [{ path: 'file', message }] });

/**
 * Decodes, checks, re-encodes and stores a photo. Re-encoding drops EXIF (location!) and every
 * other metadata block, applies the orientation, and turns whatever came in into a plain JPEG.
 * Nothing is stored unless every check passes.
 */
export function createPhotoService(storage: Storage, opts: { quota?: UploadQuota } = {}) {
  async function decodeFacts(input: Buffer) {
    try {
      const meta = await sharp(input, { limitInputPixels: false }).metadata();
      return { format: meta.format as string | undefined, width: meta.width, height: meta.height, compression: meta.compression };
    } catch {
      return { format: undefined, width: undefined, height: undefined, compression: undefined };
    }
  }

  return {
    /**
     * With an upload quota (the app always has one), `ownerId` names the uploader whose rate and daily quota it
     * counts against, before any decoding; a caller that forgets it fails loudly.
     */
    async storePhoto(input: Buffer, prefix = 'photos', ownerId?: string): Promise<StoredPhoto> {
      if (opts.quota) {
        if (!ownerId) throw new Error('storePhoto: an upload needs its owner, for the upload quota');
        await opts.quota.take(ownerId, prefix);
      }
      const facts = { bytes: input.length, ...(await decodeFacts(input)) };
      const verdict = checkPhoto(facts);
      if (!verdict.ok) throw photoError(verdict.message);
      let full: Buffer;
      let thumb: Buffer;
      let info: sharp.OutputInfo;
      try {
        const base = () => sharp(input, { limitInputPixels: PHOTO_LIMITS.maxPixels, failOn: 'truncated' }).rotate();
        ({ data: full, info } = await base()
          .resize({ width: PHOTO_LIMITS.maxSide, height: PHOTO_LIMITS.maxSide, fit: 'inside', withoutEnlargement: true })
          .jpeg({ quality: 82, mozjpeg: true })
          .toBuffer({ resolveWithObject: true }));
        thumb = await base()
          .resize({ width: PHOTO_LIMITS.thumbSide, height: PHOTO_LIMITS.thumbSide, fit: 'inside', withoutEnlargement: true })
          .jpeg({ quality: 70 })
          .toBuffer();
      } catch {
        const heic = facts.format === 'heif' && facts.compression === 'hevc';
        throw photoError(
          heic
            ? 'HEIC photos cannot be read here. Please send a JPEG (on iPhone: Settings → Camera → Formats → Most Compatible).'
            : 'This photo is damaged or incomplete. Please take it again.',
        );
      }
      const id = randomUUID();
      const photo: StoredPhoto = { key: `${prefix}/${id}.jpg`, thumbKey: `${prefix}/${id}.thumb.jpg`, width: info.width, height: info.height, bytes: full.length, contentType: 'image/jpeg' };
      await storage.put(photo.key, full);
      await storage.put(photo.thumbKey, thumb);
      return photo;
    },

    read: (key: string) => storage.get(key),
    remove: async (photo: { key: string; thumbKey: string }) => {
      await storage.delete(photo.key);
      await storage.delete(photo.thumbKey);
    },
  };
}
export type PhotoService = ReturnType<typeof createPhotoService>;
