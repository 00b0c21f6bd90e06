import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { freshDatabase } from '../../../test/db';

/**
 * The integration tests' in-memory PGlite runs with a 16MB buffer cache instead of the cluster's 128MB: it starts about
 * 0.6 s of CPU faster, and the suite opens some 250 of them. (Opened without the option, an in-memory database keeps
 * its cluster's setting; not tested here, as an empty cluster's initdb and migrations cost seconds.)
 */
describe('an in-memory PGlite', () => {
  const sharedBuffers = async (d: { db: { execute(q: ReturnType<typeof sql>): Promise<unknown> } }) =>
    ((await d.db.execute(sql`show shared_buffers`)) as { rows: { shared_buffers: string }[] }).rows[0]!.shared_buffers;

  it("as the tests open it: a 16MB buffer cache, and the template's migrated schema", async () => {
    const fresh = await freshDatabase('pglite');
    try {
      expect(await sharedBuffers(fresh.database)).toBe('16MB');
      const tables = (await fresh.database.db.execute(sql`select count(*)::int as n from information_schema.tables where table_schema = 'public'`)) as { rows: { n: number }[] };
      expect(tables.rows[0]!.n).toBeGreaterThan(50);
    } finally {
      await fresh.drop();
    }
  });
});
