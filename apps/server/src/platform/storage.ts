import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Where files live: a folder under DATA_DIR by default. Keys are our own (never user input), e.g. photos/<uuid>.jpg. */
export interface Storage {
  put(key: string, data: Buffer): Promise<void>;
  get(key: string): Promise<Buffer | null>;
  delete(key: string): Promise<void>;
  /** A file as a stream (large files: recordings, exports), or null when it is not there. */
  openRead(key: string): Promise<{ stream: Readable; bytes: number } | null>;
  /** Writes a stream to a key without holding it in memory; readers never see half a file. Returns the bytes written. */
  putStream(key: string, data: Readable): Promise<number>;
}

const safeKey = /^[a-z0-9-]+(\/[a-z0-9.-]+)+$/;

export function createLocalStorage(root: string): Storage {
  const resolve = (key: string) => {
    if (!safeKey.test(key) || key.includes('..')) throw new Error(`unsafe storage key ${key}`);
    return path.join(root, key);
  };
  return {
    async put(key, data) {
      const file = resolve(key);
      await fs.mkdir(path.dirname(file), { recursive: true });
      // Write then rename, so a reader never sees half a file.
      const tmp = `${file}.${randomUUID()}.tmp`;
      await fs.writeFile(tmp, data);
      await fs.rename(tmp, file);
    },
    async get(key) {
      try {
        return await fs.readFile(resolve(key));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    async delete(key) {
      await fs.rm(resolve(key), { force: true });
    },
    async openRead(key) {
      const file = resolve(key);
      try {
        const stat = await fs.stat(file);
        return { stream: createReadStream(file), bytes: stat.size };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    async putStream(key, data) {
      const file = resolve(key);
      await fs.mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.${randomUUID()}.tmp`;
      try {
        await pipeline(data, createWriteStream(tmp));
        await fs.rename(tmp, file);
      } finally {
        await fs.rm(tmp, { force: true });
      }
      return (await fs.stat(file)).size;
    },
  };
}
