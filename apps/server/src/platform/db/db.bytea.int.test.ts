import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/db';
import type { Db } from './index';

const rowOf = async <T>(d: Db, q: ReturnType<typeof sql>): Promise<T> => ((await d.execute(q)) as unknown as { rows: T[] }).rows[0]!;

/**
 * bytea through the driver on both backends: PGlite with our codec (binary parameters, Buffer's hex decoder; see
 * pgliteByteaCodec) must store and return exactly the bytes node-postgres does.
 */
describeEachBackend('bytea values', ({ db }) => {
  const samples: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['every byte value', Uint8Array.from({ length: 256 }, (_, i) => i)],
    ['a subarray view of a larger buffer', Buffer.from('xxhello\\x00worldxx').subarray(2, 16)],
    ['a megabyte of pseudo-random bytes', Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 2654435761) >>> 24)],
  ];

  for (const [name, bytes] of samples) {
    it(`stores and returns ${name} unchanged`, async () => {
      const d = db().database.db;
      await d.execute(sql`create table if not exists bytea_probe (id text primary key, b bytea not null)`);
      await d.execute(sql`insert into bytea_probe (id, b) values (${name}, ${bytes})`);
      // What the server holds, computed by the server: proves the parameter was taken as bytes, not as their hex text.
      const row = await rowOf<{ n: number; hex: string }>(d, sql`select octet_length(b)::int as n, encode(b, 'hex') as hex from bytea_probe where id = ${name}`);
      expect(row.n).toBe(bytes.byteLength);
      expect(row.hex).toBe(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex'));
      const { b: got } = await rowOf<{ b: Uint8Array }>(d, sql`select b from bytea_probe where id = ${name}`);
      expect(got).toBeInstanceOf(Uint8Array);
      expect(Buffer.compare(Buffer.from(got), Buffer.from(bytes))).toBe(0);
    });
  }
});
