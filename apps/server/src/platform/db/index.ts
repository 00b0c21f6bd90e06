import path from 'node:path';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { Logger } from '../logger';
import { isDatabaseUnavailable } from './errors';
import { lockDataDir } from './lock';
import { createPgPeers, type Peers } from './peers';
import { ReleasingPool } from './pool';

export { isDatabaseUnavailable } from './errors';
export type { Peers } from './peers';
/** No relational-query schema: each module's repo imports its own tables from its `<module>.schema.ts`. */
export type Db = PgDatabase<PgQueryResultHKT, Record<string, never>>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Database {
  kind: 'pglite' | 'postgres';
  db: Db;
  /** True when the database answers a trivial query within `timeoutMs` (2 s by default). */
  ping(timeoutMs?: number): Promise<boolean>;
  /** PostgreSQL: LISTEN/NOTIFY between the nodes sharing the database. PGlite has one process, so null. */
  peers: Peers | null;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Where dropped connections are reported (they are replaced, and the requests using them answer 503). */
  logger?: Logger;
}

export const migrationsFolder = path.resolve(import.meta.dirname, '../../../drizzle');

export type DatabaseTarget =
  | { kind: 'postgres'; url: string; poolMax: number }
  | { kind: 'pglite'; dataDir: string }
  /**
   * An in-memory PGlite, for tests; `loadDataDir` starts it from a dump (`dumpDataDir`) instead of an empty cluster.
   * `sharedBuffers` (PostgreSQL's setting, e.g. '16MB') replaces the cluster's 128MB: a small test database starts
   * about 0.6 s of CPU faster with a small buffer cache, which the integration tests open some 250 times.
   */
  | { kind: 'pglite-memory'; loadDataDir?: Blob; sharedBuffers?: string };

/**
 * PGlite's own bytea codec writes and reads hex one byte at a time in JavaScript (`Array.from(bytes).map(toString(16))`
 * and `parseInt` per pair): half a second of the event loop for a 700 KB recommendation model (#17). Here a bytea
 * parameter goes to the server as it is, in the protocol's binary format, and a bytea result is decoded by Buffer's
 * native hex decoder. Same values as before in both directions (db.bytea.int.test.ts).
 */
export const pgliteByteaCodec = {
  serializers: {
    [pgliteTypes.BYTEA]: (value: unknown): string => {
      if (!(value instanceof Uint8Array)) throw new Error('Invalid input for bytea type');
      // A Uint8Array parameter is sent in binary (PGlite's bind writes any ArrayBuffer view as format 1): bytea's binary
      // form is the bytes themselves. The serializer's declared type is string, hence the cast.
      return value as unknown as string;
    },
  },
  parsers: { [pgliteTypes.BYTEA]: (text: string): Uint8Array => Buffer.from(text.slice(2), 'hex') },
};

/** Opens the database, takes the data-folder lock for PGlite, and applies pending migrations (forward-only). */
export async function openDatabase(target: DatabaseTarget, opts: OpenOptions = {}): Promise<Database> {
  if (target.kind === 'postgres') {
    const pool = new ReleasingPool({ connectionString: target.url, max: target.poolMax, connectionTimeoutMillis: 5_000, keepAlive: true });
    const { logger } = opts;
    // An idle client died (a restart, pg_terminate_backend): the pool drops it and opens a new one when needed.
    pool.on('error', (err) => logger?.warn({ err, event: 'db_connection_lost', idle: true }, 'an idle database connection was lost'));
    // A checked-out client (a transaction, pool.connect()) has no listener of the pool's: without this one its
    // 'error' would be an uncaught exception that takes the process down. The statement in flight fails on its own
    // (the request answers 503), and the pool discards the broken client when it is released.
    pool.on('connect', (client) => {
      client.on('error', (err) => logger?.warn({ err, event: 'db_connection_lost', idle: false }, 'a database connection in use was lost'));
    });
    const db = drizzlePg(pool) as unknown as Db;
    try {
      await migrateExclusively(pool);
    } catch (err) {
      await pool.end();
      throw err;
    }
    const peers = createPgPeers({ url: target.url, logger, publish: (channel, payload) => pool.query('select pg_notify($1, $2)', [channel, payload]) });
    return {
      kind: 'postgres',
      db,
      ping: (timeoutMs) => pingDb(db, timeoutMs),
      peers,
      close: async () => {
        await peers.close();
        await pool.end();
      },
    };
  }

  let release = () => {};
  let client: PGlite;
  const codecs = { extensions: { btree_gist }, ...pgliteByteaCodec };
  if (target.kind === 'pglite') {
    release = lockDataDir(target.dataDir);
    client = new PGlite(path.join(target.dataDir, 'pgdata'), codecs);
  } else {
    client = new PGlite({
      ...codecs,
      ...(target.loadDataDir ? { loadDataDir: target.loadDataDir } : {}),
      ...(target.sharedBuffers ? { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${target.sharedBuffers}`] } : {}),
    });
  }
  try {
    await client.waitReady;
    await migratePglite(drizzlePglite(client), { migrationsFolder });
  } catch (err) {
    await client.close().catch(() => {});
    release();
    throw err;
  }
  const db = drizzlePglite(client) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    ping: (timeoutMs) => pingDb(db, timeoutMs),
    peers: null,
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

async function pingDb(db: Db, timeoutMs = 2_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  // A server that stopped answering (or a pool with every connection stuck) is not ready either.
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  // One cut connection (pg_terminate_backend, a proxy's reset) says nothing about the database: the pool replaces it, so
  // try once more on a fresh one before answering unready. Otherwise a load balancer would take out every node at once.
  const once = () => db.execute(sql`select 1`).then(
    () => true,
    (err: unknown) => (isDatabaseUnavailable(err) ? null : false),
  );
  try {
    return await Promise.race([once().then((ok) => ok ?? once().then((again) => again === true)), late]);
  } finally {
    clearTimeout(timer);
  }
}
