import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipBecause } from '../../../scripts/skips';
import { type Database, openDatabase } from '../src/platform/db';
import { Client, signUpStudent, startTestApp, testPassword } from './app';
import { createPostgresDatabase } from './db';
import { makeDataDir, removeDir } from './help';
import { migratedPgliteFolder } from './pglite-folder';

const root = path.resolve(import.meta.dirname, '../../..');
const psql = spawnSync('psql', ['--version'], { encoding: 'utf8' });
const missing = [...(process.env.DATABASE_URL ? [] : ['DATABASE_URL is not set']), ...(psql.status === 0 ? [] : ['psql is missing (apt-get install postgresql-client)'])];
if (missing.length) skipBecause('moving a PGlite folder into PostgreSQL', missing.join('; '));

const rowsOf = <T>(res: unknown) => (res as { rows: T[] }).rows;

/** Every table's row count, schema-qualified, the drizzle migrations table included. */
async function rowCounts(database: Database): Promise<Record<string, number>> {
  const tables = rowsOf<{ name: string }>(
    await database.db.execute(sql`select table_schema || '.' || table_name as name from information_schema.tables where table_schema in ('public', 'drizzle') and table_type = 'BASE TABLE' order by 1`),
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = rowsOf<{ n: number }>(await database.db.execute(sql.raw(`select count(*)::int as n from ${name}`)));
    counts[name] = Number(row?.n);
  }
  return counts;
}

/**
 * The README's move from the embedded database to PostgreSQL (#19): a PGlite folder with the demo data and a new
 * account is dumped with `npm run db:dump` (pg_dump built for PGlite), loaded with psql into an empty PostgreSQL
 * database with ON_ERROR_STOP, and the server then starts on it: every table has the same rows, nothing is migrated
 * twice, the accounts log in, and new rows get fresh ids (the sequences came along).
 */
describe.skipIf(missing.length > 0)('moving the data from PGlite to PostgreSQL', { timeout: 240_000 }, () => {
  let dataDir: string;
  let dumpFile: string;
  let target: { url: string; drop(): Promise<void> };
  let before: Record<string, number>;
  let email = '';

  beforeAll(async () => {
    dataDir = makeDataDir();
    dumpFile = path.join(dataDir, 'tutorline.sql');
    await migratedPgliteFolder(dataDir);
    const database = await openDatabase({ kind: 'pglite', dataDir });
    const t = await startTestApp(database, { seedDemo: true });
    ({ email } = await signUpStudent(new Client(t.baseUrl)));
    await t.close();
    const reopened = await openDatabase({ kind: 'pglite', dataDir });
    before = await rowCounts(reopened);
    // This process holds the folder, as a running server would: the dump (another process) is refused, not read mid-write.
    const held = spawnSync(process.execPath, ['--import', 'tsx', 'apps/server/src/cli/pglite-dump.ts', '--data-dir', dataDir, '--out', dumpFile], { cwd: root, encoding: 'utf8' });
    expect(held.status, held.stderr).toBe(1);
    expect(held.stderr).toContain('already in use by another Tutorline process');
    expect(fs.existsSync(dumpFile)).toBe(false);
    await reopened.close();
    target = await createPostgresDatabase();
  });
  afterAll(async () => {
    await target?.drop();
    removeDir(dataDir);
  });

  it('dumps with npm run db:dump, loads with psql, and the server starts on PostgreSQL with every row', async () => {
    expect(before['public.users']).toBeGreaterThan(10);
    const dump = spawnSync(process.execPath, ['--import', 'tsx', 'apps/server/src/cli/pglite-dump.ts', '--data-dir', dataDir, '--out', dumpFile], { cwd: root, encoding: 'utf8' });
    expect(dump.status, dump.stderr).toBe(0);
    expect(fs.readFileSync(dumpFile, 'utf8')).not.toContain('transaction_timeout');

    const load = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', target.url, '-f', dumpFile], { encoding: 'utf8' });
    expect(load.status, load.stderr).toBe(0);

    const moved = await openDatabase({ kind: 'postgres', url: target.url, poolMax: 2 });
    expect(await rowCounts(moved)).toEqual(before);
    const t = await startTestApp(moved);
    try {
      expect((await rowCounts(moved))['drizzle.__drizzle_migrations']).toBe(before['drizzle.__drizzle_migrations']);
      const client = new Client(t.baseUrl);
      await client.logIn(email, testPassword);
      expect((await client.get('/api/me')).json.email).toBe(email);
      await new Client(t.baseUrl).logIn('student01@tutorline.test', 'tutorline-demo');
      // New rows after the move: the sequences and defaults came along (a signup writes several tables).
      const fresh = await signUpStudent(new Client(t.baseUrl));
      expect(fresh.user.id).not.toBe('');
    } finally {
      await t.close();
      await moved.close();
    }
  });

  it('refuses a folder with no database, with a clear message and exit code 1, and bad arguments with 64', () => {
    const empty = makeDataDir();
    try {
      const none = spawnSync(process.execPath, ['--import', 'tsx', 'apps/server/src/cli/pglite-dump.ts', '--data-dir', empty], { cwd: root, encoding: 'utf8' });
      expect(none.status).toBe(1);
      expect(none.stderr).toContain('holds no PGlite database');
      const bad = spawnSync(process.execPath, ['--import', 'tsx', 'apps/server/src/cli/pglite-dump.ts', '--out'], { cwd: root, encoding: 'utf8' });
      expect(bad.status).toBe(64);
    } finally {
      removeDir(empty);
    }
  });
});
