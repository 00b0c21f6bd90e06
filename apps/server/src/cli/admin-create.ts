import readline from 'node:readline';
import pino from 'pino';
import { type Config, ConfigError, loadConfig } from '../config';
import { DataDirLockedError } from '../platform/db/lock';
import { AppError } from '../platform/errors';
import { createLogger } from '../platform/logger';
import { adminCreateArgs as args, UsageError, usage } from './admin-create.args';

/**
 * `npm run admin:create -- <email> [--name "Display Name"]`: the one way to make the first admin of a production
 * database (there is no demo admin there). It asks for the password: hidden when typed at a terminal, the first line
 * of stdin otherwise. Exit codes: 0 made, 1 refused (email taken, password too weak), 64 bad usage, 78 bad configuration.
 */

/** Reads a line without echoing it (a terminal in raw mode); Ctrl-C exits. */
function readHidden(prompt: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(prompt);
  return new Promise((resolve) => {
    let typed = '';
    input.setRawMode(true);
    input.resume();
    input.setEncoding('utf8');
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          input.setRawMode(false);
          input.pause();
          input.off('data', onData);
          process.stderr.write('\n');
          return resolve(typed);
        }
        if (ch === '\u0003') {
          input.setRawMode(false);
          process.stderr.write('\n');
          process.exit(130);
        }
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    input.on('data', onData);
  });
}

/** The first line of a non-terminal stdin (a pipe from a secrets manager, or a test). */
async function readFirstLine(): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, terminal: false });
  try {
    for await (const line of rl) return line;
    return '';
  } finally {
    rl.close();
  }
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) return readFirstLine();
  const first = await readHidden('Password for the new admin (at least 10 characters): ');
  const again = await readHidden('The same password again: ');
  if (first !== again) throw new AppError(400, 'validation_failed', 'The two passwords differ; nothing was changed.');
  return first;
}

async function createAdmin(config: Config, email: string, name: string | undefined): Promise<void> {
  // Log lines (admin_created) go to stderr, so stdout keeps only the outcome.
  const logger = createLogger(config.logLevel, pino.destination({ fd: 2, sync: true }));
  // Loaded only for a well-formed command with a good configuration: a usage or configuration error is answered at once.
  const [{ createIdentityRepo, createIdentityService, loginLimitsOf }, { systemClock }, { openDatabase }] = await Promise.all([
    import('../modules/identity'),
    import('../platform/clock'),
    import('../platform/db'),
  ]);
  const database = await openDatabase(config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl, poolMax: 2 } : { kind: 'pglite', dataDir: config.dataDir });
  try {
    const repo = createIdentityRepo(database.db);
    const identity = createIdentityService({ repo, clock: systemClock, logger, sessionTtlMs: config.sessionTtlMs, onSessionsRevoked: () => {}, loginLimits: loginLimitsOf(config.login) });
    // Refuse a taken email before asking for a password that would be thrown away.
    if (await identity.userByEmail(email)) throw new AppError(409, 'email_taken', 'An account with this email already exists; nothing was changed.');
    const password = await readPassword();
    const user = await identity.createAdmin({ email, password, ...(name ? { displayName: name } : {}) });
    process.stdout.write(`Admin account created for ${user.email}. Log in at ${config.publicUrl}/login\n`);
  } finally {
    await database.close();
  }
}

async function main() {
  const { email, name } = args(process.argv.slice(2));
  await createAdmin(loadConfig(), email, name);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n${usage}\n`);
      process.exit(64);
    }
    if (err instanceof ConfigError || err instanceof DataDirLockedError) {
      process.stderr.write(`\n${err.message}\n\n`);
      process.exit(78);
    }
    if (err instanceof AppError && err.status < 500) {
      process.stderr.write(`Refused: ${err.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`admin:create failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
