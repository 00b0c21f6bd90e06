/** Pure checks on what an uploaded photo claims to be. */

export const PHOTO_LIMITS = {
  maxBytes: 10 * 1024 * 1024,
  maxPixels: 40_000_000,
  /** Longest side of the stored photo; phone photos are bigger than any screen needs. */
  maxSide: 2048,
  thumbSide: 320,
} as const;

/** Formats we accept, by decoded content (sharp's format names), never by file name. */
/** A stored photo's thumbnail sits beside it: `<prefix>/<id>.jpg` has `<prefix>/<id>.thumb.jpg`. */
export const thumbKeyOf = (key: string) => key.replace(/\.jpg$/, '.thumb.jpg');

export const ACCEPTED_FORMATS = ['jpeg', 'png', 'webp', 'heif'] as const;

export interface PhotoFacts {
  bytes: number;
  format: string | undefined;
  width: number | undefined;
  height: number | undefined;
  /** For HEIF containers: 'av1' (AVIF) or 'hevc' (HEIC). */
  compression?: string | undefined;
}

export type PhotoVerdict = { ok: true } | { ok: false; reason: 'too_big' | 'not_an_image' | 'unsupported_format' | 'too_many_pixels'; message: string };

export function checkPhoto(facts: PhotoFacts, limits = PHOTO_LIMITS): PhotoVerdict {
  if (facts.bytes > limits.maxBytes) {
    return { ok: false, reason: 'too_big', message: `The photo is larger than ${limits.maxBytes / 1024 / 1024} MB. Please send a smaller one.` };
  }
  if (!facts.format || !facts.width || !facts.height) {
    return { ok: false, reason: 'not_an_image', message: 'This file is not a photo we can read. Please send a JPEG, PNG or WebP image.' };
  }
  if (facts.format === 'svg') {
    return { ok: false, reason: 'unsupported_format', message: 'SVG drawings are not accepted. Please send a photo (JPEG, PNG or WebP).' };
  }
  if (!(ACCEPTED_FORMATS as readonly string[]).includes(facts.format)) {
    return { ok: false, reason: 'unsupported_format', message: `${facts.format.toUpperCase()} files are not accepted. Please send a JPEG, PNG or WebP photo.` };
  }
  if (facts.width * facts.height > limits.maxPixels) {
    return { ok: false, reason: 'too_many_pixels', message: `The photo has more than ${limits.maxPixels / 1_000_000} megapixels. Please send a smaller one.` };
  }
  return { ok: true };
}

// ---------- upload quota ----------

export interface UploadLimits {
  /** Uploads per user per clock minute. */
  perMinute: number;
  /** Uploads per user per UTC day. */
  perDay: number;
}

export type UploadWindow = 'minute' | 'day';

/** The fixed windows an upload at `now` counts in: its UTC minute and its UTC day. */
export function uploadWindows(now: Date): { window: UploadWindow; startsAt: Date; endsAt: Date }[] {
  const minute = Math.floor(now.getTime() / 60_000) * 60_000;
  const day = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return [
    { window: 'minute', startsAt: new Date(minute), endsAt: new Date(minute + 60_000) },
    { window: 'day', startsAt: new Date(day), endsAt: new Date(day + 86_400_000) },
  ];
}

/** The words and the wait for an upload refused because `window` is full. */
export function uploadRefusal(window: UploadWindow, limits: UploadLimits, endsAt: Date, now: Date): { message: string; retryAfterSeconds: number } {
  const retryAfterSeconds = Math.max(1, Math.ceil((endsAt.getTime() - now.getTime()) / 1000));
  if (window === 'minute') {
    return { message: `You are sending photos too fast: at most ${limits.perMinute} a minute. Please wait ${retryAfterSeconds} seconds and try again.`, retryAfterSeconds };
  }
  const hours = Math.ceil(retryAfterSeconds / 3600);
  return {
    message: `You have sent ${limits.perDay} photos today, the most allowed in a day. You can send more in ${hours === 1 ? 'about an hour' : `about ${hours} hours`} (at midnight UTC).`,
    retryAfterSeconds,
  };
}
