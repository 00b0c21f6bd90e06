import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { type Database, openDatabase } from '../src/platform/db';

export type Backend = 'pglite' | 'postgres';

/** The backends every *.int.test.ts runs against: PGlite always, PostgreSQL when DATABASE_URL is set. */
export const backends: Backend[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface FreshDatabase {
  database: Database;
  /** The URL of the fresh PostgreSQL database, for tests that start server processes. */
  url?: string;
  drop(): Promise<void>;
}

/** Creates an empty PostgreSQL database next to DATABASE_URL's and returns its URL. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('DATABASE_URL is not set');
  const name = `tl_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** close() may then be called twice: by a test that breaks the database on purpose, and by drop(). */
function closeOnce(database: Database): Database {
  let closing: Promise<void> | undefined;
  return { ...database, close: () => (closing ??= database.close()) };
}

/** A fresh, migrated database on the given backend; drop() closes and deletes it. */
export async function freshDatabase(backend: Backend): Promise<FreshDatabase> {
  if (backend === 'pglite') {
    const database = closeOnce(await openDatabase({ kind: 'pglite-memory' }));
    return { database, drop: () => database.close() };
  }
  const pgdb = await createPostgresDatabase();
  const database = closeOnce(await openDatabase({ kind: 'postgres', url: pgdb.url, poolMax: 20 }));
  return {
    database,
    url: pgdb.url,
    async drop() {
      await database.close();
      await pgdb.drop();
    },
  };
}

/** Runs the suite once per backend, each with its own fresh database. */
export function describeEachBackend(title: string, suite: (ctx: { backend: Backend; db: () => FreshDatabase }) => void) {
  for (const backend of backends) {
    describe(`${title} [${backend}]`, () => {
      let fresh: FreshDatabase | undefined;
      beforeAll(async () => {
        fresh = await freshDatabase(backend);
      });
      afterAll(async () => {
        await fresh?.drop();
      });
      suite({
        backend,
        db: () => {
          if (!fresh) throw new Error('database not ready');
          return fresh;
        },
      });
    });
  }
}
