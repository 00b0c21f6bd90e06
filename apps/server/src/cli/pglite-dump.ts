import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../config';
import { DataDirLockedError } from '../platform/db/lock';
import { dumpPgliteFolder } from '../platform/db/pglite-dump';

/**
 * `npm run db:dump -- [--data-dir DIR] [--out FILE]`: the embedded PGlite database as plain SQL, to load into
 * PostgreSQL with psql when moving to a cluster (README, "Moving from PGlite to PostgreSQL"). DIR defaults to DATA_DIR
 * or ./data; without --out the SQL goes to standard output. Exit codes: 0 written, 1 the folder is in use or holds no
 * database, 64 bad usage, 78 bad configuration.
 */
function parse(argv: string[]): { dataDir: string | null; out: string | null } {
  let dataDir: string | null = null;
  let out: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = argv[i + 1];
    if ((arg === '--data-dir' || arg === '--out') && value && !value.startsWith('--')) {
      if (arg === '--data-dir') dataDir = value;
      else out = value;
      i++;
    } else {
      process.stderr.write(`Unknown or incomplete argument: ${arg}\nUsage: npm run db:dump -- [--data-dir DIR] [--out FILE]\n`);
      process.exit(64);
    }
  }
  return { dataDir: dataDir ? path.resolve(dataDir) : null, out: out ? path.resolve(out) : null };
}

async function main() {
  const args = parse(process.argv.slice(2));
  const { out } = args;
  let dataDir: string;
  try {
    // The server's own setting (DATA_DIR, ./data by default) unless the folder is named.
    dataDir = args.dataDir ?? loadConfig().dataDir;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`\n${err.message}\n\nOr name the folder: npm run db:dump -- --data-dir DIR\n`);
    process.exit(78);
  }
  if (!fs.existsSync(path.join(dataDir, 'pgdata', 'PG_VERSION'))) {
    process.stderr.write(`${dataDir} holds no PGlite database (no pgdata/PG_VERSION): is --data-dir (or DATA_DIR) right?\n`);
    process.exit(1);
  }
  try {
    const sql = await dumpPgliteFolder(dataDir);
    if (out) {
      fs.writeFileSync(out, sql);
      process.stderr.write(`Wrote ${out} (${(sql.length / 1024 / 1024).toFixed(1)} MiB) from ${dataDir}.\n`);
    } else process.stdout.write(sql);
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      process.stderr.write(`${err.message}\nStop the server first: the dump must see a folder nobody is writing.\n`);
      process.exit(1);
    }
    throw err;
  }
}

void main();
