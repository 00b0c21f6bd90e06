import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { valueOr } from '../../platform/errors';
import { type Fail, fail, ok, type Result } from '../../platform/result';
import type { Storage } from '../../platform/storage';
import { photoErrors } from './media.http';
import type { UploadLimited, UploadQuota } from './media.quota';
import { checkPhoto, PHOTO_LIMITS, thumbKeyOf } from './media.rules';

export interface StoredPhoto {
  key: string;
  thumbKey: string;
  width: number;
  height: number;
  bytes: number;
  contentType: 'image/jpeg';
}

/** Why a photo was not stored: over the upload limits, or not a photo we can use (media.rules checkPhoto, or undecodable). */
export type PhotoRefusal = UploadLimited | Fail<'photo_rejected', { message: string }>;
const rejected = (message: string) => fail('photo_rejected', { message });

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

  /**
   * With an upload quota (the app always has one), `ownerId` names the uploader whose rate and daily quota it
   * counts against, before any decoding; a caller that forgets it fails loudly.
   */
  async function tryStorePhoto(input: Buffer, prefix = 'photos', ownerId?: string): Promise<Result<StoredPhoto, PhotoRefusal>> {
    if (opts.quota) {
      if (!ownerId) throw new Error('storePhoto: an upload needs its owner, for the upload quota');
      const taken = await opts.quota.take(ownerId, prefix);
      if (!taken.ok) return taken;
    }
    const facts = { bytes: input.length, ...(await decodeFacts(input)) };
    const verdict = checkPhoto(facts);
    if (!verdict.ok) return rejected(verdict.message);
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
      return rejected(
        heic
          ? 'HEIC photos cannot be read here. Please send a JPEG (on iPhone: Settings → Camera → Formats → Most Compatible).'
          : 'This photo is damaged or incomplete. Please take it again.',
      );
    }
    const id = randomUUID();
    const key = `${prefix}/${id}.jpg`;
    const photo: StoredPhoto = { key, thumbKey: thumbKeyOf(key), width: info.width, height: info.height, bytes: full.length, contentType: 'image/jpeg' };
    await storage.put(photo.key, full);
    await storage.put(photo.thumbKey, thumb);
    return ok(photo);
  }

  return {
    tryStorePhoto,
    /** The same, throwing the refusal as its HTTP error (media.http.ts): for routes that answer an upload directly. */
    storePhoto: async (input: Buffer, prefix = 'photos', ownerId?: string): Promise<StoredPhoto> => valueOr(await tryStorePhoto(input, prefix, ownerId), photoErrors),
    read: (key: string) => storage.get(key),
    remove: async (photo: { key: string; thumbKey: string }) => {
      await storage.delete(photo.key);
      await storage.delete(photo.thumbKey);
    },
  };
}
export type PhotoService = ReturnType<typeof createPhotoService>;
