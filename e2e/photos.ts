import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';

/** A 1200×900 JPEG of a written equation in a fresh temporary folder, for browsers that upload from a file path. */
export async function questionPhotoFile(equation: string): Promise<string> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tutorline-photo-')), 'question.jpg');
  const jpeg = await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#f4f1e8' } })
    .composite([{ input: Buffer.from(`<svg width="1200" height="900"><text x="100" y="450" font-size="120" font-family="sans-serif">${equation}</text></svg>`), top: 0, left: 0 }])
    .jpeg()
    .toBuffer();
  fs.writeFileSync(file, jpeg);
  return file;
}
