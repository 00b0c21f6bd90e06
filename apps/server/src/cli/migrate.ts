import { ConfigError, loadConfig } from '../config';
import { openDatabase } from '../platform/db';
import { DataDirLockedError } from '../platform/db/lock';
import { createLogger } from '../platform/logger';

/**
 * `node --import tsx apps/server/src/cli/migrate.ts`: applies pending migrations to the configured database and exits.
 * `npm run cluster` and the systemd units run it once before the nodes start (each node would otherwise migrate under
 * the advisory lock at boot, and wait on the others). Exit codes: 0 migrated, 1 failed, 78 bad configuration.
 */
async function migrate() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl, poolMax: 1 } : { kind: 'pglite', dataDir: config.dataDir });
  await database.close();
  logger.info({ event: 'migrated', database: database.kind }, 'the database is migrated');
}

migrate().then(
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof ConfigError || err instanceof DataDirLockedError) {
      process.stderr.write(`\n${err.message}\n\n`);
      process.exit(78);
    }
    process.stderr.write(`Migration failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
