import { describe, expect, it } from 'vitest';
import { type ImageCodec, PhotoTooBig, SHRINK, shrinkPhoto, shrunkSize } from './shrink-photo';

const MB = 1024 * 1024;
const file = (bytes: number, name = 'IMG_0042.HEIC', type = 'image/jpeg') => new File([new Uint8Array(bytes)], name, { type });

/** A codec that records what it was asked for and answers blobs of the sizes given per quality. */
function fakeCodec(image: { width: number; height: number }, bytesAtQuality: (q: number) => number, opts: { decodeFails?: boolean } = {}) {
  const calls: { width: number; height: number; quality: number }[] = [];
  const codec: ImageCodec = {
    async decode() {
      if (opts.decodeFails) throw new Error('cannot decode');
      return image;
    },
    async encode(_image, width, height, quality) {
      calls.push({ width, height, quality });
      return new Blob([new Uint8Array(bytesAtQuality(quality))], { type: 'image/jpeg' });
    },
  };
  return { codec, calls };
}

describe('shrinking a photo on the device before upload', () => {
  it('scales the long side down to 1600 px, keeping the shape', () => {
    expect(shrunkSize(4032, 3024)).toEqual({ width: 1600, height: 1200 });
    expect(shrunkSize(4000, 3000)).toEqual({ width: 1600, height: 1200 });
    expect(shrunkSize(3000, 6000)).toEqual({ width: 800, height: 1600 });
    expect(shrunkSize(800, 600)).toEqual({ width: 800, height: 600 });
  });

  it('turns a 12 MB camera photo (refused before) into a JPEG under the target, trying lower qualities in turn', async () => {
    const { codec, calls } = fakeCodec({ width: 4032, height: 3024 }, (q) => (q >= 0.8 ? 2 * MB : 0.5 * MB));
    const out = await shrinkPhoto(file(12 * MB), codec);
    expect(out.size).toBeLessThanOrEqual(SHRINK.targetBytes);
    expect(out.type).toBe('image/jpeg');
    expect(out.name).toBe('IMG_0042.jpg');
    expect(calls).toEqual([
      { width: 1600, height: 1200, quality: 0.8 },
      { width: 1600, height: 1200, quality: 0.7 },
    ]);
  });

  it('scales a photo that is small in bytes but over 1600 px, and sends one within both limits as it is', async () => {
    const wide = fakeCodec({ width: 4000, height: 3000 }, () => 200 * 1024);
    const out = await shrinkPhoto(file(500 * 1024, 'page.jpg'), wide.codec);
    expect(out.size).toBe(200 * 1024);
    expect(wide.calls).toEqual([{ width: 1600, height: 1200, quality: 0.8 }]);
    const fits = fakeCodec({ width: 1600, height: 1200 }, () => 1);
    const ok = file(500 * 1024, 'ok.jpg');
    expect(await shrinkPhoto(ok, fits.codec)).toBe(ok);
    expect(fits.calls).toEqual([]);
  });

  it('sends a small photo untouched, without decoding it', async () => {
    const { codec, calls } = fakeCodec({ width: 800, height: 600 }, () => 1);
    const small = file(300 * 1024, 'q.png', 'image/png');
    expect(await shrinkPhoto(small, codec)).toBe(small);
    expect(calls).toEqual([]);
  });

  it('keeps the smallest result it could make, and the original when shrinking did not help', async () => {
    const stubborn = fakeCodec({ width: 2000, height: 1500 }, (q) => Math.round(q * 4 * MB));
    expect((await shrinkPhoto(file(8 * MB), stubborn.codec)).size).toBe(Math.round(0.5 * 4 * MB));
    const worse = fakeCodec({ width: 2000, height: 1500 }, () => 5 * MB);
    const original = file(3 * MB);
    expect(await shrinkPhoto(original, worse.codec)).toBe(original);
  });

  it('sends a photo the browser cannot decode as it is when the server can take it, and refuses it only over 10 MB', async () => {
    const { codec } = fakeCodec({ width: 0, height: 0 }, () => 0, { decodeFails: true });
    const heic = file(4 * MB);
    expect(await shrinkPhoto(heic, codec)).toBe(heic);
    await expect(shrinkPhoto(file(11 * MB), codec)).rejects.toBeInstanceOf(PhotoTooBig);
  });
});
