import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { type Database, migrationsFolder, openDatabase } from '../src/platform/db';
import { migrationsHash } from './pglite-folder';

export type Backend = 'pglite' | 'postgres';

/** The backends every *.int.test.ts runs against: PGlite always, PostgreSQL when DATABASE_URL is set. */
export const backends: Backend[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface FreshDatabase {
  database: Database;
  /** The URL of the fresh PostgreSQL database, for tests that start server processes. */
  url?: string;
  drop(): Promise<void>;
}

let hash: string | undefined;
const templateHash = () => (hash ??= migrationsHash());

function urlFor(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * The migrated PostgreSQL template, made once per set of migrations (under an advisory lock, so parallel test files
 * make it once): a database copied from it needs no migrations, which each file would otherwise run again.
 */
async function postgresTemplate(base: string): Promise<string> {
  const name = `tl_template_${templateHash()}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query('select pg_advisory_lock(7324915002)');
    try {
      const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [name]);
      if (!rowCount) {
        const building = `${name}_building`;
        await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
        await admin.query(`CREATE DATABASE ${building}`);
        const migrated = await openDatabase({ kind: 'postgres', url: urlFor(base, building), poolMax: 2 });
        await migrated.close();
        await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
        // Templates of older migrations are of no further use.
        const { rows } = await admin.query<{ datname: string }>("select datname from pg_database where datname like 'tl\\_template\\_%' and datname <> $1", [name]);
        for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
      }
    } finally {
      await admin.query('select pg_advisory_unlock(7324915002)');
    }
  } finally {
    await admin.end();
  }
  return name;
}

/**
 * Creates a PostgreSQL database next to DATABASE_URL's and returns its URL: empty by default (for tests of migrations
 * and of a server's first start), or already migrated, copied from the template, with `{ migrated: true }`.
 */
export async function createPostgresDatabase(opts: { migrated?: boolean } = {}): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('DATABASE_URL is not set');
  const migrated = Boolean(opts.migrated);
  const name = `tl_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    if (!migrated) await admin.query(`CREATE DATABASE ${name}`);
    // Cloning holds the template's lock shared: a run on other migrations (another branch on this machine) builds its
    // own template and drops older ones under the exclusive lock, so never in the middle of this copy; and if it
    // dropped ours before we took the lock, ours is built again.
    for (let copied = false; migrated && !copied; ) {
      const template = await postgresTemplate(base);
      await admin.query('select pg_advisory_lock_shared(7324915002)');
      try {
        const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [template]);
        if (rowCount) {
          await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
          copied = true;
        }
      } finally {
        await admin.query('select pg_advisory_unlock_shared(7324915002)');
      }
    }
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

/**
 * The migrated PGlite cluster as a dump file, made once per set of migrations and kept in the system's temporary
 * folder: loading it takes about a third of an empty cluster's initdb plus the migrations (1.6 s against 4.3 to 5.4 s
 * on a loaded 2-core machine), and the suite opens some ninety of them.
 */
async function pgliteTemplate(): Promise<Blob> {
  const file = path.join(os.tmpdir(), 'tutorline-test-templates', `pglite-${templateHash()}.tar`);
  if (!fs.existsSync(file)) {
    const made = new PGlite({ extensions: { btree_gist } });
    try {
      await migratePglite(drizzlePglite(made), { migrationsFolder });
      const dump = await made.dumpDataDir('none');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      // Written aside and renamed, so a file running at the same time never reads half a dump.
      const draft = `${file}.${process.pid}.${randomBytes(3).toString('hex')}`;
      fs.writeFileSync(draft, Buffer.from(await dump.arrayBuffer()));
      fs.renameSync(draft, file);
    } finally {
      await made.close();
    }
  }
  templateBytes ??= fs.readFileSync(file);
  return new BytesBlob(templateBytes);
}

let templateBytes: Buffer | undefined;

/**
 * The template's bytes as the Blob PGlite's loadDataDir asks for. PGlite reads it with arrayBuffer() once; Node 20's
 * Blob.arrayBuffer() reads a 47 MB Blob in small chunks and joins them (about 0.5 s of CPU per database on the 2-core
 * machine), so this one hands over a copy of the bytes read once per worker, at memcpy speed.
 */
class BytesBlob extends Blob {
  readonly #data: Uint8Array;
  constructor(data: Uint8Array) {
    super([]);
    this.#data = data;
  }
  override async arrayBuffer(): Promise<ArrayBuffer> {
    return new Uint8Array(this.#data).buffer;
  }
}

/** A fresh, migrated database on the given backend; drop() closes and deletes it. */
export async function freshDatabase(backend: Backend): Promise<FreshDatabase> {
  if (backend === 'pglite') {
    const database = closeOnce(await openDatabase({ kind: 'pglite-memory', loadDataDir: await pgliteTemplate(), sharedBuffers: '16MB' }));
    return { database, drop: () => database.close() };
  }
  const pgdb = await createPostgresDatabase({ migrated: true });
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

/**
 * For suites whose subject is not the database (media through Janus, with the classes faked): one backend, PostgreSQL
 * when DATABASE_URL is set (production's engine), else PGlite. Their database work is covered on both backends by the
 * owning modules' own int tests (recordings.int, sessionrec.int, classroom's); running them twice cost about 100 s (the
 * classmedia files, stop 27) of the 2-core CI machine's time, and sessionrec.media took 54 s for its two runs.
 */
export function describeOnOneBackend(title: string, suite: (ctx: { backend: Backend; db: () => FreshDatabase }) => void) {
  runOn(backends[backends.length - 1]!, title, suite);
}

/** Runs the suite once per backend, each with its own fresh database. */
export function describeEachBackend(title: string, suite: (ctx: { backend: Backend; db: () => FreshDatabase }) => void) {
  for (const backend of backends) runOn(backend, title, suite);
}

function runOn(backend: Backend, title: string, suite: (ctx: { backend: Backend; db: () => FreshDatabase }) => void) {
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
