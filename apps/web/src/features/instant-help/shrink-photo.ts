/**
 * Shrinks a photo on the device before it is uploaded: a phone camera's 12 MB, 4000×3000 picture becomes a JPEG of
 * at most 1600 px on its long side and a few hundred KB (#21: a photo must not cost a student megabytes of data),
 * which still reads well. The server (sharp) still checks and re-encodes whatever arrives.
 */

export const SHRINK = {
  /** Longest side of the uploaded image. */
  maxSide: 1600,
  /** Photos this small are sent as they are, without even decoding them. */
  sendAsIsBytes: 300 * 1024,
  /** A photo within maxSide and this size is sent as it is; a shrunk one aims under it. */
  targetBytes: 600 * 1024,
  /** JPEG qualities tried in turn until the result is small enough. */
  qualities: [0.8, 0.7, 0.6, 0.5],
  /** What the server takes at most; a photo that could not be shrunk must be under it. */
  maxUploadBytes: 10 * 1024 * 1024,
} as const;

/** The size to draw a w×h image at so that its long side is at most `maxSide`. */
export function shrunkSize(width: number, height: number, maxSide: number = SHRINK.maxSide): { width: number; height: number } {
  const k = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * k)), height: Math.max(1, Math.round(height * k)) };
}

export interface ImageCodec {
  /** Decodes the file (EXIF orientation applied), or throws when the browser cannot. */
  decode(file: Blob): Promise<{ width: number; height: number; close?(): void }>;
  /** Draws the decoded image at width×height and encodes it as JPEG at `quality`. */
  encode(image: { width: number; height: number }, width: number, height: number, quality: number): Promise<Blob>;
}

export class PhotoTooBig extends Error {
  constructor() {
    super('This photo is bigger than 10 MB and could not be made smaller here. Please take a new photo, or choose a smaller one.');
    this.name = 'PhotoTooBig';
  }
}

/**
 * The file to upload: the photo itself when it is already small, else a shrunk JPEG. A format the browser cannot
 * decode (HEIC on some browsers) goes as it is when the server can take it, and is refused only when it is over 10 MB.
 */
export async function shrinkPhoto(file: File, codec: ImageCodec = browserCodec): Promise<File> {
  if (file.size <= SHRINK.sendAsIsBytes) return file;
  let image: Awaited<ReturnType<ImageCodec['decode']>>;
  try {
    image = await codec.decode(file);
  } catch {
    if (file.size > SHRINK.maxUploadBytes) throw new PhotoTooBig();
    return file;
  }
  try {
    // A few hundred KB but 4000 px wide (a plain page) is still made smaller: pixels become bytes on the server too.
    if (file.size <= SHRINK.targetBytes && Math.max(image.width, image.height) <= SHRINK.maxSide) return file;
    const size = shrunkSize(image.width, image.height);
    let best: Blob | null = null;
    for (const quality of SHRINK.qualities) {
      const blob = await codec.encode(image, size.width, size.height, quality);
      if (!best || blob.size < best.size) best = blob;
      if (blob.size <= SHRINK.targetBytes) break;
    }
    // Keep the original when re-encoding did not help (an already well-compressed photo).
    if (!best || best.size >= file.size) {
      if (file.size > SHRINK.maxUploadBytes) throw new PhotoTooBig();
      return file;
    }
    return new File([best], `${file.name.replace(/\.[^.]*$/, '') || 'photo'}.jpg`, { type: 'image/jpeg', lastModified: file.lastModified });
  } finally {
    image.close?.();
  }
}

/** createImageBitmap (decodes off the main thread where it can) and a canvas. */
export const browserCodec: ImageCodec = {
  decode: (file) => createImageBitmap(file, { imageOrientation: 'from-image' }),
  async encode(image, width, height, quality) {
    const source = image as ImageBitmap;
    if (typeof OffscreenCanvas !== 'undefined') {
      const canvas = new OffscreenCanvas(width, height);
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new Error('no 2d canvas');
      ctx.imageSmoothingQuality = 'high';
      ctx.drawImage(source, 0, 0, width, height);
      return canvas.convertToBlob({ type: 'image/jpeg', quality });
    }
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d canvas');
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(source, 0, 0, width, height);
    return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('could not encode the photo'))), 'image/jpeg', quality));
  },
};
