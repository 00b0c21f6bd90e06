import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from './schema';
import { lockDataDir } from './lock';

export { schema };
export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Database {
  kind: 'pglite' | 'postgres';
  db: Db;
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export const migrationsFolder = path.resolve(import.meta.dirname, '../../../drizzle');

export type DatabaseTarget =
  | { kind: 'postgres'; url: string; poolMax: number }
  | { kind: 'pglite'; dataDir: string }
  /** An in-memory PGlite, for tests. */
  | { kind: 'pglite-memory' };

/** Opens the database, takes the data-folder lock for PGlite, and applies pending migrations (forward-only). */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: target.url, max: target.poolMax });
    pool.on('error', () => {
      // an idle client died (server restart); the pool replaces it, and /readyz reports the outage
    });
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    try {
      await migrateExclusively(pool);
    } catch (err) {
      await pool.end();
      throw err;
    }
    return {
      kind: 'postgres',
      db,
      ping: () => pingDb(db),
      close: () => pool.end(),
    };
  }

  let release = () => {};
  let client: PGlite;
  if (target.kind === 'pglite') {
    release = lockDataDir(target.dataDir);
    client = new PGlite(path.join(target.dataDir, 'pgdata'), { extensions: { btree_gist } });
  } else {
    client = new PGlite({ extensions: { btree_gist } });
  }
  try {
    await client.waitReady;
    await migratePglite(drizzlePglite(client), { migrationsFolder });
  } catch (err) {
    await client.close().catch(() => {});
    release();
    throw err;
  }
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    ping: () => pingDb(db),
    close: async () => {
      try {
        await client.close();
      } finally {
        release();
      }
    },
  };
}

/** Any fixed number; every Tutorline node takes the same advisory lock to migrate. */
const migrationLockKey = 7_324_915_001;

/** Nodes that start together would otherwise all apply the same migration, and all but one would crash. */
async function migrateExclusively(pool: pg.Pool) {
  const client = await pool.connect();
  let failed: Error | undefined;
  try {
    await client.query('select pg_advisory_lock($1)', [migrationLockKey]);
    try {
      await migratePg(drizzlePg(client), { migrationsFolder });
    } finally {
      await client.query('select pg_advisory_unlock($1)', [migrationLockKey]);
    }
  } catch (err) {
    failed = err as Error;
    throw err;
  } finally {
    // A failed client is destroyed, not pooled, so it cannot keep holding the lock.
    client.release(failed);
  }
}

async function pingDb(db: Db): Promise<boolean> {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}
