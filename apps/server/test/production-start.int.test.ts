import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/platform/db';
import { Client, countUsers, startTestApp } from './app';
import { backends, createPostgresDatabase } from './db';
import { migratedPgliteFolder } from './pglite-folder';
import { exitWithin, freePort, type ServerProcess, spawnServer, waitForReady } from './processes';

// A production start never has demo accounts (#12.2): SEED_DEMO=true is refused, nothing is seeded or printed, and the
// first admin comes from `npm run admin:create -- <email>`, which asks for a password and follows sign-up's rules.

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const DEMO_PASSWORD = 'tutorline-demo';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run admin:create -- …args` with only the given environment, `stdin` written and closed. */
function adminCreate(env: Record<string, string>, args: string[], stdin: string): Promise<Run> {
  const child = spawn('npm', ['run', '--silent', 'admin:create', '--', ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TZ: 'UTC', NODE_ENV: 'production', WEB_PUSH: 'false', LOG_LEVEL: 'info', SFU: 'off', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += String(d)));
  child.stderr.on('data', (d) => (stderr += String(d)));
  child.stdin.end(stdin);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`admin:create did not finish:\n${stdout}\n${stderr}`));
    }, 90_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tutorline-prod-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

for (const backend of backends) {
  describe(`npm run admin:create [${backend}]`, { timeout: 120_000 }, () => {
    let env: Record<string, string>;
    let open: () => Promise<Database>;
    let drop = async () => {};
    const email = 'ops@school.example';
    const password = 'a long enough passphrase 7';

    beforeAll(async () => {
      const dataDir = tempDir();
      // Both start migrated, from the templates: migrating a fresh database is openDatabase's, covered by every first
      // start (process.int), and doing it here cost PGlite over a minute on a loaded machine.
      if (backend === 'postgres') {
        const pg = await createPostgresDatabase({ migrated: true });
        drop = pg.drop;
        env = { DATA_DIR: dataDir, DATABASE_URL: pg.url };
        open = () => openDatabase({ kind: 'postgres', url: pg.url, poolMax: 2 });
      } else {
        await migratedPgliteFolder(dataDir);
        env = { DATA_DIR: dataDir };
        open = () => openDatabase({ kind: 'pglite', dataDir });
      }
    });
    afterAll(async () => {
      await drop();
    });

    it('makes an admin from a password read on stdin, never printing it; the admin can log in', async () => {
      const run = await adminCreate(env, [email, '--name', 'Ops Lead'], `${password}\n`);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(`Admin account created for ${email}`);
      expect(run.stderr).toContain('"event":"admin_created"');
      expect(run.stdout + run.stderr).not.toContain(password);

      const database = await open();
      try {
        expect(await countUsers(database)).toBe(1);
        const t = await startTestApp(database);
        try {
          const client = new Client(t.baseUrl);
          const me = await client.logIn(email.toUpperCase(), password);
          expect(me.json.user).toMatchObject({ role: 'admin', email, displayName: 'Ops Lead' });
        } finally {
          await t.close();
        }
      } finally {
        await database.close();
      }
    });

    it('refuses an email that already has an account, and changes nothing', async () => {
      const run = await adminCreate(env, [email], 'another long passphrase 8\n');
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('An account with this email already exists; nothing was changed.');
      const database = await open();
      try {
        expect(await countUsers(database)).toBe(1);
        const t = await startTestApp(database);
        try {
          // The old password still works.
          await new Client(t.baseUrl).logIn(email, password);
        } finally {
          await t.close();
        }
      } finally {
        await database.close();
      }
    });
  });
}

// The password rules and the usage do not depend on the database: checked once, on PGlite (each run of the CLI costs
// seconds of TypeScript loading); the argument parsing itself is unit-tested in cli/admin-create.args.test.ts.
describe('npm run admin:create refusals', { timeout: 120_000 }, () => {
  it("holds a new admin's password to sign-up's rules, and creates nobody", async () => {
    const dataDir = tempDir();
    await migratedPgliteFolder(dataDir);
    const run = await adminCreate({ DATA_DIR: dataDir }, ['second@school.example'], 'short\n');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('password must be at least 10 characters');
    const database = await openDatabase({ kind: 'pglite', dataDir });
    try {
      expect(await countUsers(database)).toBe(0);
    } finally {
      await database.close();
    }
  });

  it('explains its usage, with exit code 64, when the email is missing', async () => {
    const run = await adminCreate({ DATA_DIR: tempDir() }, [], '');
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('Give exactly one email address.');
    expect(run.stderr).toContain('Usage: npm run admin:create -- <email>');
  });
});

describe('a production start', { timeout: 120_000 }, () => {
  const procs: ServerProcess[] = [];
  async function start(extra: Record<string, string>, opts: { migrated?: boolean } = {}) {
    const port = await freePort();
    const dataDir = tempDir();
    if (opts.migrated) await migratedPgliteFolder(dataDir);
    // SEED_DEMO '' is unset: production's own default applies.
    const proc = spawnServer({ NODE_ENV: 'production', WEB_PUSH: 'false', SEED_DEMO: '', HOST: '127.0.0.1', PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, DATA_DIR: dataDir, LOG_LEVEL: 'info', ...extra });
    procs.push(proc);
    return proc;
  }
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.kill()));
  });

  it('refuses SEED_DEMO=true with exit code 78 and a message saying what to do instead', async () => {
    const proc = await start({ SEED_DEMO: 'true' });
    const { code } = await exitWithin(proc, 60_000);
    expect(code).toBe(78);
    expect(proc.output()).toContain('SEED_DEMO: demo accounts');
    expect(proc.output()).toContain('npm run admin:create -- <email>');
  });

  it('refuses to start without SIGNING_SECRET while WhatsApp signs photo links', async () => {
    const proc = await start({ WHATSAPP_PROVIDER: 'gupshup', GUPSHUP_API_KEY: 'gupshup-key-1', GUPSHUP_SOURCE: '917834811114', GUPSHUP_APP_NAME: 'App', GUPSHUP_CALLBACK_TOKEN: 'a-callback-token-0123' });
    const { code } = await exitWithin(proc, 60_000);
    expect(code).toBe(78);
    expect(proc.output()).toMatch(/SIGNING_SECRET: is required in production because the question photos sent to tutors on WhatsApp are signed/);
  });

  it('refuses the fake payout adapter (it pays anyone) with exit code 78, naming PAYOUT_PROVIDER', async () => {
    const proc = await start({ PAYOUT_PROVIDER: 'fake' });
    const { code } = await exitWithin(proc, 60_000);
    expect(code).toBe(78);
    expect(proc.output()).toContain('PAYOUT_PROVIDER: the fake payout adapter is for development only');
  });

  it('on an empty database seeds no demo account, prints no demo password, and warns loudly that calls have no relay and tutors go unpaid', async () => {
    // Migrated but empty (a fresh folder's migration is covered by process.int). Payments on, PAYOUT_PROVIDER unset.
    const proc = await start({ STRIPE_SECRET_KEY: 'sk_test_production_start', STRIPE_WEBHOOK_SECRET: 'whsec_production_start' }, { migrated: true });
    await waitForReady(proc, 90_000);
    const res = await new Client(proc.baseUrl).post('/api/auth/login', { email: 'admin@tutorline.test', password: DEMO_PASSWORD });
    expect(res.status).toBe(401);
    const out = proc.output();
    expect(out).not.toContain('demo_logins');
    expect(out).not.toContain('demo_seeded');
    expect(out).not.toContain(DEMO_PASSWORD);
    const lines = out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: string; event?: string; msg: string });
    expect(lines.find((l) => l.event === 'ice_relay_missing')).toMatchObject({ level: 'warn', msg: expect.stringMatching(/^WARNING: Neither STUN nor TURN is configured/) });
    expect(lines.find((l) => l.event === 'payouts_not_configured')).toMatchObject({ level: 'warn', msg: expect.stringMatching(/earnings will accumulate unpaid until PAYOUT_PROVIDER is set/) });
  });
});
