import fs from 'node:fs';
import puppeteer, { type Browser, type BrowserContext, type ElementHandle, type Page } from 'puppeteer-core';
import { skipBecause } from '../scripts/skips';
import { DEMO_PASSWORD, phone } from './harness';

// Firefox driven through WebDriver BiDi (puppeteer-core), Debian's firefox-esr: no downloaded browser build (decision 082).
export const firefoxPath = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/** Whether Firefox is here; outside CI a missing browser skips the suite (recorded), in CI it fails. */
export function firefoxAvailable(suite: string): boolean {
  if (fs.existsSync(firefoxPath)) return true;
  skipBecause(suite, `${firefoxPath} is missing (apt-get install firefox-esr)`);
  return false;
}

/** A fake camera and microphone, granted without a prompt: Firefox's equivalent of Chromium's fake-media flags. */
export const fakeMediaPrefs = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
};

export async function launchFirefox(prefs: Record<string, unknown> = {}): Promise<Browser> {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: firefoxPath,
    headless: true,
    extraPrefsFirefox: {
      ...fakeMediaPrefs,
      // No updates, telemetry or first-run pages in a test.
      'app.update.enabled': false,
      'browser.shell.checkDefaultBrowser': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      ...prefs,
    },
  });
}

export interface FirefoxParty {
  context: BrowserContext;
  page: Page;
  /** Opens a path of the app. */
  go(pathname: string): Promise<void>;
  /** fetch() from the page, with the app's cookie and Origin: the JSON answer and its status. */
  api<T = unknown>(method: string, pathname: string, body?: unknown): Promise<{ status: number; body: T }>;
}

/** A phone-sized page in its own browser context (its own cookies), on the app at `baseUrl`. */
export async function firefoxParty(browser: Browser, baseUrl: string): Promise<FirefoxParty> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport(phone);
  page.setDefaultTimeout(20_000);
  return {
    context,
    page,
    async go(pathname) {
      await page.goto(new URL(pathname, baseUrl).toString());
    },
    async api(method, pathname, body) {
      return page.evaluate(
        async (m, p, b) => {
          const res = await fetch(p, { method: m, credentials: 'same-origin', headers: b === undefined ? {} : { 'content-type': 'application/json' }, body: b === undefined ? undefined : JSON.stringify(b) });
          const text = await res.text();
          return { status: res.status, body: text ? JSON.parse(text) : null };
        },
        method,
        pathname,
        body,
      );
    },
  };
}

export const testId = (id: string) => `[data-testid="${id}"]`;

/** The form control that a <label> with exactly this text names (its `for`, or the control inside it). */
export async function labelled(page: Page, label: string): Promise<ElementHandle<HTMLInputElement>> {
  await page.waitForFunction((text) => Array.from(document.querySelectorAll('label')).some((l) => l.textContent?.trim() === text), {}, label);
  const handle = await page.evaluateHandle((text) => {
    const l = Array.from(document.querySelectorAll('label')).find((x) => x.textContent?.trim() === text)!;
    return (l.htmlFor ? document.getElementById(l.htmlFor) : l.querySelector('input, select, textarea')) as HTMLInputElement;
  }, label);
  return handle as ElementHandle<HTMLInputElement>;
}

/** Types into the labelled field as a user does (key presses). */
export async function typeInto(page: Page, label: string, text: string) {
  const field = await labelled(page, label);
  await field.click();
  await field.type(text);
}

/**
 * Sets a field whose value a user picks rather than types (a date): through the element's native setter, then the
 * input event React listens to. Setting `.value` on the element itself would be swallowed by React's value tracker.
 */
export async function setValue(page: Page, label: string, value: string) {
  const field = await labelled(page, label);
  await field.evaluate((el, v) => {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(el, v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, value);
}

/** Clicks the button or link whose text is exactly `name` (or starts with it, when `prefix`), once it is enabled. */
export async function clickNamed(page: Page, name: string, opts: { prefix?: boolean; within?: string } = {}) {
  const find = (n: string, prefix: boolean, within: string | null) => {
    const scope = within ? document.querySelector(within) : document;
    return Array.from(scope?.querySelectorAll('button, a, [role="button"]') ?? []).find((el) => {
      const t = (el.textContent ?? '').replace(/\s+/g, ' ').trim();
      return (prefix ? t.startsWith(n) : t === n) && !(el as HTMLButtonElement).disabled;
    });
  };
  await page.waitForFunction(find, {}, name, opts.prefix ?? false, opts.within ?? null);
  const handle = (await page.evaluateHandle(find, name, opts.prefix ?? false, opts.within ?? null)) as ElementHandle<HTMLElement>;
  await handle.click();
}

/**
 * From the room's page to the call view: Firefox reports no earlier camera grant, so pre-join first asks (its
 * "Turn on camera and microphone" button), then shows the preview and Join; a granted camera goes straight in.
 */
export async function enterRoomFirefox(page: Page, timeout = 30_000) {
  await page.waitForSelector(`${testId('call-view')}, ${testId('prejoin-join')}, ${testId('prejoin-allow')}`, { timeout });
  if (await page.$(testId('prejoin-allow'))) {
    await clickNamed(page, 'Turn on camera and microphone');
    await page.waitForSelector(`${testId('call-view')}, ${testId('prejoin-join')}`, { timeout });
  }
  if (await page.$(testId('prejoin-join'))) await clickNamed(page, 'Join now');
  await page.waitForSelector(testId('call-view'), { timeout });
}

/** Waits until the page's path matches. */
export async function waitForPath(page: Page, pattern: RegExp, timeout = 20_000) {
  await page.waitForFunction((source) => new RegExp(source).test(location.pathname + location.search), { timeout }, pattern.source);
}

/** Logs in through the real form; resolves once the user's home has loaded. */
export async function logInFirefox(browser: Browser, baseUrl: string, email: string, password = DEMO_PASSWORD): Promise<FirefoxParty> {
  const party = await firefoxParty(browser, baseUrl);
  await party.go('/login');
  await typeInto(party.page, 'Email', email);
  await typeInto(party.page, 'Password', password);
  await clickNamed(party.page, 'Log in');
  await waitForPath(party.page, /^\/(student|tutor|admin)$/);
  return party;
}
