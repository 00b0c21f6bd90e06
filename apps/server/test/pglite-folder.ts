import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { migrationsFolder } from '../src/platform/db';

/** A short hash of every migration file: templates are named after it, so a changed migration never meets an old one. */
export function migrationsHash(): string {
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else h.update(entry.name).update(fs.readFileSync(p));
    }
  };
  walk(migrationsFolder);
  return h.digest('hex').slice(0, 12);
}

/**
 * Puts an already-migrated PGlite cluster at `<dataDir>/pgdata`, where the server opens it, copied from a folder made
 * once per set of migrations: a server started on it skips initdb and the migrations (several seconds on a loaded
 * machine) and otherwise starts exactly as on a new folder, seeding included, but with a 16MB buffer cache.
 */
export async function migratedPgliteFolder(dataDir: string): Promise<void> {
  const template = path.join(os.tmpdir(), 'tutorline-test-templates', `pgdata-${migrationsHash()}-sb16`);
  if (!fs.existsSync(template)) {
    const draft = `${template}.${process.pid}.${randomBytes(3).toString('hex')}`;
    fs.mkdirSync(path.dirname(template), { recursive: true });
    const client = new PGlite(draft, { extensions: { btree_gist } });
    await migrate(drizzle(client), { migrationsFolder });
    await client.close();
    // A test server's cluster needs no 128MB buffer cache: with 16MB each server starts about 0.6 s of CPU sooner
    // (the suite starts some fifty). PostgreSQL takes the last setting in the file.
    fs.appendFileSync(path.join(draft, 'postgresql.conf'), '\nshared_buffers = 16MB\n');
    try {
      fs.renameSync(draft, template);
    } catch {
      // Another file made it first.
      fs.rmSync(draft, { recursive: true, force: true });
    }
  }
  fs.cpSync(template, path.join(dataDir, 'pgdata'), { recursive: true });
}
