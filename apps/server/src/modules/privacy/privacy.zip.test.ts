import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createLocalStorage } from '../../platform/storage';
import { jsonOf, unzip } from './privacy.testkit';
import { writeExportZip } from './privacy.zip';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tutorline-zip-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

it('writes the JSON documents, the stored files byte for byte, blobs and a manifest naming files gone since', async () => {
  const storage = createLocalStorage(dir);
  const photo = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
  await storage.put('photos/a.jpg', photo);
  const createdAt = new Date('2026-12-07T09:00:00Z');
  const bytes = await writeExportZip(
    storage,
    'exports/x.zip',
    [
      { json: { profile: { id: 'u1' } }, files: [{ name: 'photos/questions/a.jpg', key: 'photos/a.jpg' }] },
      { json: { chat: [{ body: 'hi' }] }, files: [{ name: 'photos/chat/gone.jpg', key: 'photos/gone.jpg' }], blobs: [{ name: 'boards/s1.yjs', load: async () => Buffer.from([1, 2, 3]) }] },
    ],
    { exportId: 'e1', userId: 'u1', createdAt },
  );
  const zip = fs.readFileSync(path.join(dir, 'exports/x.zip'));
  expect(bytes).toBe(zip.length);
  const files = await unzip(zip);
  expect(jsonOf(files, 'profile.json')).toEqual({ id: 'u1' });
  expect(jsonOf(files, 'chat.json')).toEqual([{ body: 'hi' }]);
  expect(files.get('photos/questions/a.jpg')!.equals(photo)).toBe(true);
  expect([...files.get('boards/s1.yjs')!]).toEqual([1, 2, 3]);
  expect(jsonOf(files, 'manifest.json')).toMatchObject({ exportId: 'e1', userId: 'u1', missing: ['photos/chat/gone.jpg'] });
  expect(fs.readdirSync(path.join(dir, 'exports'))).toEqual(['x.zip']);
});

it('refuses an entry that could climb out of the ZIP or repeats another, and leaves no file behind', async () => {
  const storage = createLocalStorage(dir);
  await expect(writeExportZip(storage, 'exports/bad.zip', [{ json: {}, files: [{ name: '../etc/passwd', key: 'photos/a.jpg' }] }], { exportId: 'e2', userId: 'u1', createdAt: new Date() })).rejects.toThrow(/unsafe or repeated/);
  await expect(writeExportZip(storage, 'exports/bad.zip', [{ json: { a: 1 } }, { json: { a: 2 } }].map((p) => ({ ...p, files: [] })), { exportId: 'e3', userId: 'u1', createdAt: new Date() })).rejects.toThrow(/a.json is unsafe or repeated/);
  expect(fs.existsSync(path.join(dir, 'exports/bad.zip'))).toBe(false);
});
