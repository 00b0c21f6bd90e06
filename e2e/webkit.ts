import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import WebDriver from 'webdriver';
import { skipBecause } from '../scripts/skips';
import { freePort, phone } from './harness';

// WebKit (Safari's engine): Debian's WebKitGTK through its W3C WebDriver server, WebKitWebDriver, driving the MiniBrowser
// that ships with libwebkit2gtk. It needs a display, so it runs under xvfb-run (decision 082).
export const webkitDriverPath = process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver';
export const miniBrowserPath = process.env.WEBKIT_BROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const xvfbRun = '/usr/bin/xvfb-run';

/** Whether WebKitGTK, its driver and xvfb-run are here; outside CI a missing one skips the suite (recorded), in CI it fails. */
export function webkitAvailable(suite: string): boolean {
  const missing = [
    [webkitDriverPath, 'webkit2gtk-driver'],
    [miniBrowserPath, 'libwebkit2gtk-4.1-0'],
    [xvfbRun, 'xvfb'],
  ].find(([file]) => !fs.existsSync(file!));
  if (!missing) return true;
  skipBecause(suite, `${missing[0]} is missing (apt-get install ${missing[1]})`);
  return false;
}

export type WebKitClient = Awaited<ReturnType<typeof WebDriver.newSession>>;

export interface WebKit {
  client: WebKitClient;
  /** Opens a path of the app. */
  go(pathname: string): Promise<void>;
  /** Runs `fn` in the page with `args` (a function's source is sent: it must not close over test variables). */
  run<T>(fn: string | ((...args: never[]) => T), ...args: unknown[]): Promise<T>;
  /** Polls `fn` in the page until it returns something truthy; returns that. */
  until<T>(fn: (...args: never[]) => T, args?: unknown[], timeoutMs?: number, what?: string): Promise<T>;
  /** The element the CSS selector names, once it is there. */
  element(css: string, timeoutMs?: number): Promise<string>;
  /** The form control that a <label> with exactly this text names. */
  labelled(label: string): Promise<string>;
  click(css: string): Promise<void>;
  type(css: string, text: string): Promise<void>;
  /** The page's path and query. */
  path(): Promise<string>;
  close(): Promise<void>;
}

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/**
 * Starts WebKitWebDriver under a virtual display on a free port and opens one phone-sized MiniBrowser session on the
 * app at `baseUrl`, with mock capture devices (WebKit's fake camera and microphone).
 */
export async function launchWebKit(baseUrl: string): Promise<WebKit> {
  const port = await freePort();
  // Its own process group, so that xvfb-run, Xvfb and the driver stop together.
  const driver: ChildProcess = spawn(xvfbRun, ['-a', '-s', '-screen 0 1280x1024x24', webkitDriverPath, `--port=${port}`], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  driver.stdout?.on('data', (d) => (out += String(d)));
  driver.stderr?.on('data', (d) => (out += String(d)));
  const stopDriver = () => {
    if (driver.exitCode === null && driver.pid) process.kill(-driver.pid, 'SIGTERM');
  };
  try {
    for (const deadline = Date.now() + 30_000; ; await new Promise((r) => setTimeout(r, 100))) {
      if (driver.exitCode !== null) throw new Error(`WebKitWebDriver exited with ${driver.exitCode}:\n${out}`);
      if (Date.now() > deadline) throw new Error(`WebKitWebDriver did not start:\n${out}`);
      const ready = await fetch(`http://127.0.0.1:${port}/status`).then((r) => r.ok, () => false);
      if (ready) break;
    }
    const client = await WebDriver.newSession({
      hostname: '127.0.0.1',
      port,
      logLevel: 'warn',
      connectionRetryCount: 0,
      capabilities: {
        browserName: 'MiniBrowser',
        'wdio:enforceWebDriverClassic': true,
        'webkitgtk:browserOptions': {
          binary: miniBrowserPath,
          args: ['--automation', '--enable-media-stream=true', '--enable-mock-capture-devices=true', '--enable-webrtc=true'],
        },
      } as Parameters<typeof WebDriver.newSession>[0]['capabilities'],
    });
    await client.setWindowRect(0, 0, phone.width, phone.height);
    return webkitSession(client, baseUrl, async () => {
      await client.deleteSession().catch(() => undefined);
      stopDriver();
    });
  } catch (error) {
    stopDriver();
    throw error;
  }
}

function webkitSession(client: WebKitClient, baseUrl: string, close: () => Promise<void>): WebKit {
  const source = (fn: string | ((...args: never[]) => unknown)) => (typeof fn === 'string' ? fn : `return (${fn.toString()}).apply(null, arguments)`);
  const run = <T>(fn: string | ((...args: never[]) => T), ...args: unknown[]) => client.executeScript(source(fn), args as (object | null)[]) as Promise<T>;
  const until = async <T>(fn: (...args: never[]) => T, args: unknown[] = [], timeoutMs = 20_000, what = fn.toString()) => {
    for (const deadline = Date.now() + timeoutMs; ; await new Promise((r) => setTimeout(r, 100))) {
      const value = await run<T>(fn, ...args);
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`WebKit: timed out waiting for ${what} (at ${await run<string>(() => location.href)})`);
    }
  };
  const element = async (css: string, timeoutMs = 20_000) => {
    await until((s: string) => document.querySelector(s) !== null, [css], timeoutMs, css);
    const found = (await client.findElement('css selector', css)) as Record<string, string>;
    if (!found[ELEMENT]) throw new Error(`WebKit: ${css} was not found: ${JSON.stringify(found)}`);
    return found[ELEMENT];
  };
  return {
    client,
    run,
    until,
    element,
    async go(pathname) {
      await client.navigateTo(new URL(pathname, baseUrl).toString());
    },
    async labelled(label) {
      await until((text: string) => Array.from(document.querySelectorAll('label')).some((l) => l.textContent?.trim() === text), [label], 20_000, `the label ${label}`);
      const found = await run((text: string) => {
        const l = Array.from(document.querySelectorAll('label')).find((x) => x.textContent?.trim() === text)!;
        return l.htmlFor ? document.getElementById(l.htmlFor) : l.querySelector('input, select, textarea');
      }, label);
      // An element comes back from the page as a WebDriver element reference.
      return (found as unknown as Record<string, string>)[ELEMENT]!;
    },
    async click(css) {
      const id = await element(css);
      // WebDriver scrolls an element only until it is in view, where a fixed bar can cover it: centre it first.
      await run((s: string) => document.querySelector(s)?.scrollIntoView({ block: 'center', inline: 'center' }), css);
      await client.elementClick(id);
    },
    async type(css, text) {
      const id = await element(css);
      await client.elementClick(id);
      await client.elementSendKeys(id, text);
    },
    path: () => run<string>(() => location.pathname + location.search),
    close,
  };
}
