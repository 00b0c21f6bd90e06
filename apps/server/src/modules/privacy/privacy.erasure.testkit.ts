import { sql } from 'drizzle-orm';
import type { Db } from '../../platform/db';

/**
 * Test support for erasure (#20): every place in the public schema where any of `needles` still appears, as
 * "table.column", searching every text, varchar, json, jsonb and array column (as text, case-insensitively) and every
 * bytea column (as bytes).
 */
export async function everyMention(db: Db, needles: readonly string[]): Promise<string[]> {
  const cols = (await db.execute(
    sql`select table_name, column_name, data_type from information_schema.columns where table_schema = 'public' and data_type in ('text', 'character varying', 'json', 'jsonb', 'ARRAY', 'bytea', 'USER-DEFINED') order by table_name, column_name`,
  )) as unknown as { rows: { table_name: string; column_name: string; data_type: string }[] };
  const found: string[] = [];
  for (const c of cols.rows) {
    const col = sql.identifier(c.column_name);
    const table = sql.identifier(c.table_name);
    for (const n of needles) {
      const match =
        c.data_type === 'bytea' ? sql`position(convert_to(${n}, 'UTF8') in ${col}) > 0` : sql`position(${n.toLowerCase()} in lower(${col}::text)) > 0`;
      const hit = (await db.execute(sql`select 1 from ${table} where ${match} limit 1`)) as unknown as { rows: unknown[] };
      if (hit.rows.length) found.push(`${c.table_name}.${c.column_name} has ${n}`);
    }
  }
  return found;
}
