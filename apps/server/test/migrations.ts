import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { type Db, migrationsFolder } from '../src/platform/db';
import { type Backend, createPostgresDatabase } from './db';

/**
 * A fresh database on `backend` migrated up to, not including, the first migration whose tag ends with `tagSuffix`
 * (found by name, so a renumbering keeps the test right): the rows a test inserts then are rows of that older schema.
 * `finish()` applies the remaining migrations, as the next deployment would; `drop()` closes and deletes it.
 */
export async function databaseBefore(backend: Backend, tagSuffix: string): Promise<{ db: Db; finish(): Promise<void>; drop(): Promise<void> }> {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  const cut = journal.entries.findIndex((e) => e.tag.endsWith(tagSuffix));
  if (cut < 0) throw new Error(`no migration's tag ends with ${tagSuffix}`);
  const older = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-migrations-'));
  fs.cpSync(migrationsFolder, older, { recursive: true });
  fs.writeFileSync(path.join(older, 'meta/_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, cut) }));
  const removeOlder = () => fs.rmSync(older, { recursive: true, force: true });

  if (backend === 'pglite') {
    const client = new PGlite({ extensions: { btree_gist } });
    await migratePglite(drizzlePglite(client), { migrationsFolder: older });
    return {
      db: drizzlePglite(client) as unknown as Db,
      finish: () => migratePglite(drizzlePglite(client), { migrationsFolder }),
      drop: async () => {
        await client.close();
        removeOlder();
      },
    };
  }
  const created = await createPostgresDatabase();
  const pool = new pg.Pool({ connectionString: created.url, max: 2 });
  await migratePg(drizzlePg(pool), { migrationsFolder: older });
  return {
    db: drizzlePg(pool) as unknown as Db,
    finish: () => migratePg(drizzlePg(pool), { migrationsFolder }),
    drop: async () => {
      await pool.end();
      await created.drop();
      removeOlder();
    },
  };
}
