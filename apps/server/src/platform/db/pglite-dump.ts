import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { pgDump } from '@electric-sql/pglite-tools/pg_dump';
import { lockDataDir } from './lock';

/**
 * A plain-SQL dump of a PGlite data folder, for moving it into PostgreSQL (#19): pg_dump itself, built for PGlite
 * (@electric-sql/pglite-tools, decision 084), run on the folder while no server holds it (the folder's lock is taken,
 * so a running server is refused, not copied mid-write). Nothing is migrated or changed: the dump is the data as it is,
 * and the first start on PostgreSQL applies any newer migrations. Without owners or grants, so any role can restore it.
 *
 * pg_dump 17 writes `SET transaction_timeout = 0;`, a setting PostgreSQL 15 and 16 do not know, which would stop a
 * restore run with ON_ERROR_STOP: it is left out (0, no timeout, is the default anyway).
 */
export async function dumpPgliteFolder(dataDir: string): Promise<string> {
  const release = lockDataDir(dataDir);
  try {
    const pg = new PGlite(path.join(dataDir, 'pgdata'), { extensions: { btree_gist } });
    try {
      await pg.waitReady;
      const file = await pgDump({ pg, args: ['--no-owner', '--no-privileges'] });
      return (await file.text()).replace(/^SET transaction_timeout = 0;\n/m, '');
    } finally {
      await pg.close();
    }
  } finally {
    release();
  }
}
