import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migratedPgliteFolder } from './pglite-folder';

describe('the migrated PGlite folder test servers start on', () => {
  it('holds a cluster whose postgresql.conf ends with a 16MB buffer cache (PostgreSQL takes the last setting)', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tutorline-folder-'));
    try {
      await migratedPgliteFolder(dataDir);
      const settings = fs.readFileSync(path.join(dataDir, 'pgdata', 'postgresql.conf'), 'utf8').split('\n').filter((l) => /^\s*shared_buffers\s*=/.test(l));
      expect(settings.at(-1)?.trim()).toBe('shared_buffers = 16MB');
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
