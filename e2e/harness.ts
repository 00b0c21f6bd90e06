import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from '../apps/server/test/net';
import { migratedPgliteFolder } from '../apps/server/test/pglite-folder';
import { skipBecause } from '../scripts/skips';

export const root = path.resolve(import.meta.dirname, '..');
export const artifacts = path.join(root, 'test-results/e2e');
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
];

/** Whether Chromium is here; outside CI a missing browser skips the suite (recorded), in CI it fails. */
export function chromiumAvailable(suite: string): boolean {
  if (fs.existsSync(chromiumPath)) return true;
  skipBecause(suite, `${chromiumPath} is missing (apt-get install chromium)`);
  return false;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
}

export { freePort };

export interface RunningServer {
  baseUrl: string;
  dataDir: string;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts the real server (the built web app included) as a child process on a free port with a fresh data folder. */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  if (!fs.existsSync(path.join(root, 'apps/web/dist/index.html'))) {
    throw new Error('apps/web/dist is missing: run `npm run build` first (npm test does).');
  }
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tutorline-e2e-'));
  if (!env.DATABASE_URL) await migratedPgliteFolder(dataDir);
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      // Production refuses demo accounts (SEED_DEMO), which every journey logs in with: 'test' behaves as production
      // does without payment keys (payments off, no simulator, no dev origins), with the demo data asked for.
      ...(env.NODE_ENV ? {} : { NODE_ENV: 'test', SEED_DEMO: 'true', BILLING_PROVIDER: 'none' }),
      // Development and production start Janus themselves; journeys that need it start their own (one per run).
      SFU: 'off',
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: baseUrl,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += String(d)));
  child.stderr?.on('data', (d) => (out += String(d)));
  // Generous: a fresh PGlite folder takes seconds to initialise, many more on a loaded 2-core machine.
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${out}`);
    try {
      const res = await fetch(`${baseUrl}/readyz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not become ready:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    baseUrl,
    dataDir,
    process: child,
    output: () => out,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const phone = { width: 390, height: 844 };

export function screenshotPath(name: string): string {
  fs.mkdirSync(artifacts, { recursive: true });
  return path.join(artifacts, `${name}.png`);
}

export const DEMO_PASSWORD = 'tutorline-demo';

/** A phone-sized context logged in through the real log-in form; resolves once the user's home has loaded. */
export async function logIn(
  browser: Browser,
  baseUrl: string,
  email: string,
  password = DEMO_PASSWORD,
  options: { serviceWorkers?: 'allow' | 'block' } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: phone, baseURL: baseUrl, serviceWorkers: options.serviceWorkers ?? 'allow' });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/(student|tutor|admin)$/);
  return { context, page };
}

/** Starts the built server and Chromium before the suite and stops both after it; call inside a describe. */
export function useServerAndBrowser(env: Record<string, string> = {}): { server(): RunningServer; browser(): Browser } {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await startServer(env);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  return {
    server: () => server ?? raise('the server did not start'),
    browser: () => browser ?? raise('Chromium did not start'),
  };
}

function raise(message: string): never {
  throw new Error(message);
}
