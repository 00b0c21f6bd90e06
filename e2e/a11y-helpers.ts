import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD } from './harness';

/** The smallest phone the app is built for (#21): every page is checked at this width. */
export const smallPhone = { width: 360, height: 780 };

export interface Finding {
  where: string;
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

/** A 360 px context logged in through the log-in form (the harness's logIn is 390 px); resolves on the user's home. */
export async function logInAt360(browser: Browser, baseUrl: string, email: string, password = DEMO_PASSWORD): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: smallPhone, baseURL: baseUrl, serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/(student|tutor|admin|guardian|courses)$/);
  return { context, page };
}

/**
 * Waits until the page has drawn its content: a main heading, and no loading placeholder or busy region left. Pages
 * whose data never arrives are still checked (what is on screen then is what a user gets).
 */
export async function settle(page: Page): Promise<void> {
  await page
    .waitForFunction(() => Boolean(document.querySelector('main h1')) && !document.querySelector('main .page-loading, main [aria-busy="true"]'), undefined, { timeout: 15_000 })
    .catch(() => undefined);
  // Fonts and layout settle before colours are read for contrast.
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
}

/** Runs axe on what the page shows now; returns its serious and critical violations only. */
export async function axeFindings(page: Page, where: string): Promise<Finding[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ where, rule: v.id, impact: v.impact ?? '', help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
}

/** Opens a path, waits for it to settle and checks it. */
export async function checkRoute(page: Page, path: string, who: string): Promise<Finding[]> {
  const started = Date.now();
  await page.goto(path);
  await settle(page);
  const found = await axeFindings(page, `${who} ${path}`);
  console.log(`a11y ${who} ${path}: ${found.length} finding(s), ${Date.now() - started} ms`);
  return found;
}

/** One line per finding, so a failure names every rule and element at once. */
export function describeFindings(findings: Finding[]): string {
  return findings.map((f) => `${f.where}: ${f.rule} (${f.impact}) ${f.help}\n    ${f.targets.join('\n    ')}`).join('\n');
}
