import { PassThrough, Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import type { Storage } from '../../platform/storage';
import type { UserExportPart } from '../../platform/user-export';
import { jsonEntryName, safeEntryName } from './privacy.rules';

/**
 * Writes one ZIP from every module's part, streamed to storage (decision 074): JSON documents first, then each file
 * read from storage only when its turn comes (yazl's lazy streams), so a big recording never sits in memory and only
 * one file is open at a time. Stored files are already compressed (JPEG, WebM): they go in as they are.
 */
export async function writeExportZip(storage: Storage, key: string, parts: readonly UserExportPart[], meta: { exportId: string; userId: string; createdAt: Date }): Promise<number> {
  const zip = new ZipFile();
  const mtime = meta.createdAt;
  const names = new Set<string>();
  const missing: string[] = [];
  const claim = (name: string) => {
    if (!safeEntryName(name) || names.has(name)) throw new Error(`export entry ${name} is unsafe or repeated`);
    names.add(name);
  };
  const json: Record<string, unknown> = {};
  for (const part of parts) {
    for (const [kind, value] of Object.entries(part.json)) {
      if (kind in json) throw new Error(`export entry ${jsonEntryName(kind)} is unsafe or repeated`);
      json[kind] = value;
    }
  }
  const files = parts.flatMap((p) => p.files);
  const blobs = parts.flatMap((p) => p.blobs ?? []);
  for (const [kind, value] of Object.entries(json)) {
    claim(jsonEntryName(kind));
    zip.addBuffer(Buffer.from(`${JSON.stringify(value, null, 2)}\n`), jsonEntryName(kind), { mtime });
  }
  for (const file of files) {
    claim(file.name);
    zip.addReadStreamLazy(file.name, { mtime, compress: false }, (cb) => {
      storage.openRead(file.key).then(
        (opened) => {
          if (opened) return cb(null, opened.stream);
          // Deleted since (retention): the entry stays, empty, and the manifest says so.
          missing.push(file.name);
          cb(null, Readable.from([]));
        },
        (err: unknown) => cb(err, new PassThrough()),
      );
    });
  }
  for (const blob of blobs) {
    claim(blob.name);
    zip.addReadStreamLazy(blob.name, { mtime }, (cb) => {
      blob.load().then(
        (data) => cb(null, Readable.from([data])),
        (err: unknown) => cb(err, new PassThrough()),
      );
    });
  }
  // The manifest is written last so it can name the files that were gone by the time they were read.
  zip.addReadStreamLazy('manifest.json', { mtime }, (cb) => {
    const manifest = { exportId: meta.exportId, userId: meta.userId, createdAt: meta.createdAt.toISOString(), json: Object.keys(json).map(jsonEntryName), files: [...files, ...blobs].map((f) => f.name), missing };
    cb(null, Readable.from([Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`)]));
  });
  zip.end();
  const out = new PassThrough();
  zip.outputStream.on('error', (err) => out.destroy(err));
  zip.on('error', (err: Error) => out.destroy(err));
  zip.outputStream.pipe(out);
  return storage.putStream(key, out);
}
