import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalStorage } from '../../platform/storage';
import { createPhotoService } from './media.service';

let dir: string;
let service: ReturnType<typeof createPhotoService>;
const storedFiles = () => (fs.existsSync(path.join(dir, 'photos')) ? fs.readdirSync(path.join(dir, 'photos')) : []);

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-photos-'));
  service = createPhotoService(createLocalStorage(dir));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const solid = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 40 } } });

describe('storePhoto', () => {
  it('re-encodes a JPEG to a plain JPEG, applies orientation and strips EXIF including GPS', async () => {
    // 400x200 stored with EXIF orientation 6 (rotate 90°) and a GPS block.
    const input = await solid(400, 200)
      .jpeg()
      .withMetadata({ orientation: 6 })
      .withExifMerge({ IFD0: { Make: 'PhoneCo' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '12/1 58/1 0/1' } })
      .toBuffer();
    const inMeta = await sharp(input).metadata();
    expect(inMeta.orientation).toBe(6);
    expect(input.includes(Buffer.from('PhoneCo'))).toBe(true);
    const stored = await service.storePhoto(input);
    const out = (await service.read(stored.key))!;
    const meta = await sharp(out).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.exif).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(out.includes(Buffer.from('PhoneCo'))).toBe(false);
    expect([meta.width, meta.height]).toEqual([200, 400]); // orientation applied
    const thumb = await sharp((await service.read(stored.thumbKey))!).metadata();
    expect(Math.max(thumb.width!, thumb.height!)).toBeLessThanOrEqual(320);
  });

  it('accepts PNG and WebP and shrinks large photos to 2048 px', async () => {
    const png = await service.storePhoto(await solid(3000, 1000).png().toBuffer());
    expect([png.width, png.height]).toEqual([2048, 683]);
    const webp = await service.storePhoto(await solid(300, 300).webp().toBuffer());
    expect(webp.contentType).toBe('image/jpeg');
  });

  describe('refuses bad files with a clear message and stores nothing', () => {
    const cases: [string, () => Promise<Buffer>, RegExp][] = [
      ['plain text', async () => Buffer.from('hello, this is not an image'), /not a photo we can read/],
      ['HTML named .jpg', async () => Buffer.from('<html><script>alert(1)</script></html>'), /not a photo we can read/],
      ['SVG', async () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'), /SVG/],
      ['truncated JPEG', async () => (await solid(800, 800).jpeg().toBuffer()).subarray(0, 2000), /damaged or incomplete|not a photo/],
      ['over 10 MB', async () => Buffer.concat([await solid(10, 10).jpeg().toBuffer(), Buffer.alloc(10 * 1024 * 1024)]), /larger than 10 MB/],
      ['over 40 megapixels (pixel flood)', async () => solid(8000, 6000).png({ compressionLevel: 9 }).toBuffer(), /megapixels/],
      ['GIF', async () => solid(10, 10).gif().toBuffer(), /GIF files are not accepted/],
    ];
    for (const [name, make, message] of cases) {
      it(name, async () => {
        const before = storedFiles().length;
        await expect(service.storePhoto(await make())).rejects.toMatchObject({ status: 400, message: expect.stringMatching(message) });
        expect(storedFiles().length).toBe(before);
      });
    }
  });
});
