import { sql } from 'drizzle-orm';
import { listFiles } from '../apps/server/test/help';
import { everyMention } from '../apps/server/src/modules/privacy/privacy.erasure.testkit';
import { openDatabase } from '../apps/server/src/platform/db';
import path from 'node:path';
import type { RunningServer } from './harness';

export { unzip } from '../apps/server/src/modules/privacy/privacy.testkit';

/**
 * Issue #20, proof step 7: stops the server (it drains its jobs and releases its PGlite folder), then opens the folder
 * and reports what is left of a user: the latest erasure request's status, every column still holding one of
 * `strings` (any table, text, JSON or bytes), and which of `files` are still stored.
 */
export async function childLeftNowhere(server: RunningServer, what: { strings: string[]; files: string[] }) {
  if (server.process.exitCode === null) {
    const exited = new Promise((r) => server.process.once('exit', r));
    server.process.kill('SIGTERM');
    await exited;
  }
  const database = await openDatabase({ kind: 'pglite', dataDir: server.dataDir });
  try {
    const requests = (await database.db.execute(sql`select status from erasure_requests order by requested_at desc limit 1`)) as unknown as { rows: { status: string }[] };
    const mentions = await everyMention(database.db, what.strings);
    const stored = new Set(listFiles(path.join(server.dataDir, 'files')));
    return { erasure: requests.rows[0]?.status ?? 'none', mentions, files: what.files.filter((f) => stored.has(f)) };
  } finally {
    await database.close();
  }
}
