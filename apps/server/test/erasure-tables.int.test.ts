import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { auditErasureRules } from '../src/modules/privacy';
import { describeEachBackend } from './db';

/** Every table of the public schema after all migrations, read from the database itself. */
async function tablesOf(db: { execute(q: ReturnType<typeof sql>): Promise<unknown> }): Promise<string[]> {
  const result = (await db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`)) as { rows: { table_name: string }[] };
  return result.rows.map((r) => r.table_name);
}

/**
 * Issue #20, the table test: a table that may hold personal data needs a declared erasure rule (erase, anonymise,
 * keep pseudonymised, or no personal data with a reason) in the module that owns it. A new table without one fails.
 */
describeEachBackend('erasure: every table has a declared rule', ({ db }) => {
  it('every table in the database after the migrations has exactly one rule, with a reason, and no rule names a missing table', async () => {
    const tables = await tablesOf(db().database.db);
    expect(tables.length).toBeGreaterThan(100);
    expect(tables).toContain('users');
    expect(auditErasureRules(tables)).toEqual({ missing: [], unknown: [], duplicated: [], unexplained: [] });
  });

  it('a table added without a rule fails the check, naming it', async () => {
    const { database } = db();
    await database.db.execute(sql`create table erasure_probe (id uuid primary key, student_email text)`);
    try {
      expect(auditErasureRules(await tablesOf(database.db)).missing).toEqual(['erasure_probe']);
    } finally {
      await database.db.execute(sql`drop table erasure_probe`);
    }
  });
});
