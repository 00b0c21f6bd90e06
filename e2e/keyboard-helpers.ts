import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { DEMO_PASSWORD } from './harness';

/** Whether the element is the one with focus. */
export const isFocused = (target: Locator) => target.evaluate((el) => el === document.activeElement).catch(() => false);

/** Presses Tab (Shift+Tab with `back`) until `target` has focus, as a keyboard user would; fails after `max` presses. */
export async function tabTo(page: Page, target: Locator, { max = 80, back = false }: { max?: number; back?: boolean } = {}): Promise<void> {
  await target.waitFor({ state: 'attached', timeout: 15_000 });
  for (let i = 0; i < max; i++) {
    if (await isFocused(target)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  if (!(await isFocused(target))) throw new Error(`Tab did not reach ${target.toString()} in ${max} presses`);
}

/** What has focus: its tag, heading text or accessible name, for messages and assertions. */
export const focusedText = (page: Page) => page.evaluate(() => (document.activeElement?.textContent ?? '').trim());
export const focusedTag = (page: Page) => page.evaluate(() => document.activeElement?.tagName.toLowerCase() ?? '');

/** After a route change: focus is on the new page's main heading. */
export async function expectFocusOnHeading(page: Page, heading: string | RegExp): Promise<void> {
  await expect.poll(() => focusedTag(page), { timeout: 15_000 }).toBe('h1');
  const text = await focusedText(page);
  if (typeof heading === 'string') expect(text).toBe(heading);
  else expect(text).toMatch(heading);
}

/** Logs in on the log-in form with the keyboard alone (typing a URL to open it is keyboard too). */
export async function logInByKeyboard(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/login');
  await tabTo(page, page.getByLabel('Email'));
  await page.keyboard.type(email);
  await tabTo(page, page.getByLabel('Password'));
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/(student|tutor|admin)$/);
}

/** Chooses `value` in a focused-by-Tab select with the arrow keys (a closed select changes with ArrowDown). */
export async function chooseByKeyboard(page: Page, select: Locator, value: string, max = 40): Promise<void> {
  await tabTo(page, select);
  for (let i = 0; i < max && (await select.inputValue()) !== value; i++) await page.keyboard.press('ArrowDown');
  expect(await select.inputValue()).toBe(value);
}
