/**
 * The real Tutorline app in its own process, for HTTP benchmarks. Logging is off (LOG_LEVEL silent).
 * Prints `LISTENING <url>` once ready; always binds to 127.0.0.1.
 *
 *   BENCH_DB=pglite-memory           in-memory PGlite (default)
 *   BENCH_DB=pglite                  PGlite in BENCH_DATA_DIR (the caller creates and removes the folder)
 *   BENCH_DB=postgres                PostgreSQL at BENCH_DATABASE_URL
 *   BENCH_DB_POOL_MAX=<n>            pg pool size (the app's default otherwise)
 *   PORT=<n>                         default 0 (any free port)
 *   BENCH_APP_LOG_LEVEL=<level>      exploration only: log at this level instead of silent (lines go to stdout)
 */
import { buildApp } from '../apps/server/src/app';
import { type Config, testConfig } from '../apps/server/src/config';
import { type Database, openDatabase } from '../apps/server/src/platform/db';
import { serveUntilStopped } from './lib';

const kind = process.env.BENCH_DB ?? 'pglite-memory';
const overrides: Partial<Config> = { host: '127.0.0.1', port: Number(process.env.PORT ?? 0), logLevel: (process.env.BENCH_APP_LOG_LEVEL as Config['logLevel'] | undefined) ?? 'silent', seedDemo: false };
let ownDatabase: Database | undefined;

switch (kind) {
  case 'pglite-memory':
    ownDatabase = await openDatabase({ kind: 'pglite-memory' });
    break;
  case 'pglite': {
    const dataDir = process.env.BENCH_DATA_DIR;
    if (!dataDir) throw new Error('BENCH_DB=pglite needs BENCH_DATA_DIR');
    overrides.dataDir = dataDir;
    overrides.databaseUrl = undefined;
    break;
  }
  case 'postgres': {
    const url = process.env.BENCH_DATABASE_URL;
    if (!url) throw new Error('BENCH_DB=postgres needs BENCH_DATABASE_URL');
    overrides.databaseUrl = url;
    if (process.env.BENCH_DB_POOL_MAX) overrides.dbPoolMax = Number(process.env.BENCH_DB_POOL_MAX);
    break;
  }
  default:
    throw new Error(`unknown BENCH_DB "${kind}"`);
}

const app = await buildApp(testConfig(overrides), ownDatabase ? { database: ownDatabase } : {});
const url = await app.listen();
serveUntilStopped(url, async () => {
  await app.close();
  await ownDatabase?.close();
});
