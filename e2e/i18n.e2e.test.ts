import { execFileSync } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { skipBecause } from '../scripts/skips';
import { chromiumAvailable, screenshotPath, useServerAndBrowser } from './harness';

/** Without a Devanagari font Chromium draws boxes, and the layout check would measure the boxes. */
function devanagariFontInstalled(suite: string): boolean {
  let fonts = '';
  try {
    fonts = execFileSync('fc-list', [':lang=hi', 'family'], { encoding: 'utf8' });
  } catch {
    // No fontconfig at all: no font either.
  }
  if (fonts.trim()) return true;
  skipBecause(suite, 'no Devanagari font (apt-get install fonts-noto-core)');
  return false;
}

const suite = 'e2e: the interface in Hindi';
const canRun = chromiumAvailable(suite) && devanagariFontInstalled(suite);

/** A small phone: the layout check and the screenshots for review are at this size. */
const smallPhone = { width: 360, height: 800 };
const password = 'a long enough password';

async function questionPhoto(): Promise<Buffer> {
  return sharp({ create: { width: 900, height: 1200, channels: 3, background: '#f4f1e8' } })
    .composite([{ input: Buffer.from('<svg width="900" height="1200"><text x="80" y="300" font-size="90">2x + 3 = 11</text></svg>'), top: 0, left: 0 }])
    .jpeg()
    .toBuffer();
}

/** Signs a new student up through the form, choosing Hindi there; resolves on the student's home. */
async function signUpInHindi(page: Page, name: string): Promise<void> {
  await page.goto('/signup');
  await page.locator('#signup-language').selectOption('hi');
  // The form switches at once: the rest is filled in by its Hindi labels.
  await page.getByRole('heading', { name: 'अपना खाता बनाएँ' }).waitFor();
  expect(await page.locator('html').getAttribute('lang')).toBe('hi');
  await page.getByLabel('छात्र').check();
  await page.getByLabel('दिखने वाला नाम').fill(name);
  await page.getByLabel('ईमेल').fill(`hi-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@example.test`);
  await page.getByLabel('पासवर्ड').fill(password);
  await page.getByLabel('जन्म तिथि').fill('2000-04-02');
  await page.getByRole('button', { name: 'साइन अप करें' }).click();
  await page.getByTestId('student-home').waitFor();
}

/** Asks a maths question with a photo (tutor08 and tutor16 teach it in the demo data); resolves on its waiting page. */
async function askQuestion(page: Page): Promise<void> {
  await page.getByTestId('ask-button').click();
  await page.getByTestId('ask-form').waitFor();
  await page.getByTestId('photo-input').setInputFiles({ name: 'question.jpg', mimeType: 'image/jpeg', buffer: await questionPhoto() });
  await page.locator('[data-testid="photo-preview"][data-status="done"]').first().waitFor();
  await page.getByTestId('ask-subject').selectOption('maths');
  await page.getByTestId('ask-level').selectOption('grade-9-10');
  await page.getByTestId('ask-submit').click();
  await page.waitForURL(/\/student\/questions\/[0-9a-f-]+$/).catch(async (err: unknown) => {
    await page.screenshot({ path: screenshotPath('i18n-hi-ask-failed-360x800'), fullPage: true });
    throw err;
  });
  await page.getByTestId('waiting-panel').waitFor();
}

/**
 * Text that does not fit at this width: an element holding words whose content is wider (or taller) than its box
 * while its overflow is hidden (cut off or ellipsed), or which reaches past either edge of the screen; and a page that
 * scrolls sideways. Elements hidden on purpose (display none, the visually-hidden pattern) and native select options
 * are not looked at.
 */
async function textThatDoesNotFit(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > width) problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth}px wide`);
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('body *'))) {
      if (el.closest('option, select, script, style, svg, .visually-hidden, .skip-link')) continue;
      const words = Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && /\p{L}/u.test(n.textContent ?? ''));
      if (!words) continue;
      const style = getComputedStyle(el);
      const box = el.getBoundingClientRect();
      if (style.display === 'none' || style.visibility === 'hidden' || box.width <= 1 || box.height <= 1) continue;
      const label = `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''} "${(el.textContent ?? '').trim().slice(0, 40)}"`;
      const clipsX = style.overflowX !== 'visible' || style.textOverflow === 'ellipsis';
      const clipsY = style.overflowY !== 'visible';
      // A name cut short with an ellipsis on purpose, its full text in a title to hover, is the design, not a misfit.
      const meantToEllipse = style.textOverflow === 'ellipsis' && el.closest('[title]') !== null;
      // So is a text clamped to a few lines (-webkit-line-clamp, the many-line ellipsis) with its full text in a title.
      const clamp = style.getPropertyValue('-webkit-line-clamp');
      const meantToClamp = clamp !== '' && clamp !== 'none' && el.closest('[title]') !== null;
      if (clipsX && !meantToEllipse && el.scrollWidth > el.clientWidth + 1) problems.push(`${label} is cut off: ${el.scrollWidth}px of text in ${el.clientWidth}px`);
      if (clipsY && !meantToClamp && el.scrollHeight > el.clientHeight + 1 && style.overflowY !== 'auto' && style.overflowY !== 'scroll') problems.push(`${label} is cut off at the bottom: ${el.scrollHeight}px in ${el.clientHeight}px`);
      // Inside a strip that scrolls sideways on purpose (the booking page's days), what lies past the edge is scrolled to.
      let scroller = false;
      for (let p = el.parentElement; p && !scroller; p = p.parentElement) scroller = ['auto', 'scroll'].includes(getComputedStyle(p).overflowX);
      if (!scroller && (box.right > width + 1 || box.left < -1)) problems.push(`${label} reaches past the screen: ${Math.round(box.left)}–${Math.round(box.right)}px of ${width}px`);
    }
    return problems;
  });
}

/** Opens a route in Hindi, checks nothing overflows, and saves a screenshot for review. */
async function checkRoute(page: Page, name: string, path: string | null, ready: () => Promise<unknown>) {
  if (path) await page.goto(path);
  await ready();
  // Every page's own words are Hindi, and <html lang> says so (screen readers pick their voice from it).
  expect(await page.locator('html').getAttribute('lang'), name).toBe('hi');
  expect(await page.locator('main').innerText(), name).toMatch(/[\u0900-\u097F]/);
  await page.screenshot({ path: screenshotPath(`i18n-hi-${name}-360x800`), fullPage: true });
  expect(await textThatDoesNotFit(page), name).toEqual([]);
}

async function hindiPhone(browser: Browser, baseUrl: string) {
  // A browser in English: the language is the one chosen in the app, not the browser's.
  return browser.newContext({ viewport: smallPhone, baseURL: baseUrl, locale: 'en-US', timezoneId: 'Asia/Kolkata', serviceWorkers: 'block' });
}

describe.skipIf(!canRun)('the interface in Hindi on a 360×800 phone', () => {
  // Billing's plans and credits are not what this suite is about: a new student may ask at once.
  const env = useServerAndBrowser({ BILLING_ENFORCE_ENTITLEMENTS: 'false' });

  it('a student picks Hindi at sign-up, asks a question and reads it all in Hindi; a reload, and a log-in elsewhere, keep Hindi', async () => {
    const context = await hindiPhone(env.browser(), env.server().baseUrl);
    const page = await context.newPage();
    await signUpInHindi(page, 'Riya');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('नमस्ते, Riya');
    // The choice is on the account.
    const me = (await (await page.request.get('/api/me')).json()) as { language: string; email: string };
    expect(me.language).toBe('hi');

    await askQuestion(page);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('ट्यूटर खोजा जा रहा है');
    expect(await page.getByTestId('waiting-panel').innerText()).toMatch(/गणित, कक्षा 9–10/);

    await page.reload();
    await page.getByTestId('waiting-panel').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('ट्यूटर खोजा जा रहा है');
    expect(await page.locator('html').getAttribute('lang')).toBe('hi');
    await context.close();

    // Another device, never used before: the log-in page is in English until the account says Hindi.
    const other = await env.browser().newContext({ viewport: smallPhone, baseURL: env.server().baseUrl, serviceWorkers: 'block' });
    const second = await other.newPage();
    await second.goto('/login');
    await second.getByLabel('Email').fill(me.email);
    await second.getByLabel('Password').fill(password);
    await second.getByRole('button', { name: 'Log in' }).click();
    await second.getByTestId('student-home').waitFor();
    // The switch downloads the Hindi catalog first: on a busy machine that takes more than the default second.
    await expect.poll(() => second.getByRole('heading', { level: 1 }).textContent(), { timeout: 15_000 }).toBe('नमस्ते, Riya');
    expect(await second.locator('html').getAttribute('lang')).toBe('hi');
    await other.close();
  });

  it('renders every converted route in Hindi at 360 px with no text cut off or off the screen, and saves screenshots', async () => {
    const context = await hindiPhone(env.browser(), env.server().baseUrl);
    const page = await context.newPage();

    // Logged out: the switch in the header, remembered on this device.
    await page.goto('/');
    await page.getByTestId('language-select').selectOption('hi');
    await checkRoute(page, 'landing', null, () => page.getByRole('heading', { name: 'किसी सवाल पर अटके हैं? तुरंत पाएँ असली ट्यूटर।' }).waitFor());
    await checkRoute(page, 'login', '/login', () => page.getByRole('heading', { name: 'लॉग इन' }).waitFor());
    await checkRoute(page, 'signup', '/signup', () => page.getByRole('heading', { name: 'अपना खाता बनाएँ' }).waitFor());

    await signUpInHindi(page, 'Aarav Sharma Verma');
    await checkRoute(page, 'student-home', null, () => page.getByTestId('question-history').or(page.locator('.empty')).waitFor());
    await checkRoute(page, 'ask', '/student/ask', () => page.locator('[data-testid="ask-form"][data-draft="new"]').waitFor());
    await page.goto('/student');
    await askQuestion(page);
    await checkRoute(page, 'question-waiting', null, () => page.getByTestId('waiting-next').waitFor());

    // The student's booking journey: its words are the 'booking' area's catalog, loaded with the pages (decision 081).
    await checkRoute(page, 'find-tutors', '/tutors', () => page.getByTestId('tutor-card').first().waitFor());
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('ट्यूटर खोजें');
    await page.getByTestId('tutor-card').first().getByRole('link').click();
    await checkRoute(page, 'tutor-profile', null, () => page.getByTestId('slot-picker').locator('.slot-list, .empty').first().waitFor());
    expect(await page.getByTestId('slot-picker').getByRole('heading', { level: 2 }).textContent()).toBe('पाठ बुक करें');
    await checkRoute(page, 'my-lessons', '/lessons', () => page.getByRole('heading', { level: 2, name: 'आने वाले पाठ' }).waitFor());
    await checkRoute(page, 'lessons-paid', '/lessons/paid', () => page.getByRole('heading', { level: 1, name: 'भुगतान' }).waitFor());

    await checkRoute(page, 'settings', '/settings', () => page.getByTestId('language-card').waitFor());

    // Settings switches back to English, for this account everywhere.
    await page.locator('#settings-language').selectOption('en');
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(((await (await page.request.get('/api/me')).json()) as { language: string }).language).toBe('en');
    await context.close();
  });

  it('shows a booking page in Hindi words, never its keys, from the first render of a cold load and across a language switch', async () => {
    const context = await hindiPhone(env.browser(), env.server().baseUrl);
    // A phone that chose Hindi before; the page records every text it ever shows that looks like a catalog key.
    await context.addInitScript(() => {
      localStorage.setItem('tutorline.language', 'hi');
      const seen: string[] = [];
      (window as unknown as { keysSeen: string[] }).keysSeen = seen;
      const look = () => {
        const found = document.body?.innerText.match(/\bbooking\.[a-zA-Z]+\.?[a-zA-Z]*/g);
        if (found) seen.push(...found);
      };
      new MutationObserver(look).observe(document, { subtree: true, childList: true, characterData: true });
    });
    const page = await context.newPage();
    const keysSeen = () => page.evaluate(() => (window as unknown as { keysSeen: string[] }).keysSeen);
    await page.goto('/tutors');
    await page.getByTestId('find-tutors').waitFor();
    // The first render of the page already has its Hindi words.
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('ट्यूटर खोजें');
    expect(await page.getByRole('button', { name: 'खोजें', exact: true }).count()).toBe(1);
    expect(await keysSeen()).toEqual([]);

    // Switching language on the page brings the area's English words before it shows English.
    await page.getByTestId('language-select').selectOption('en');
    await page.getByRole('heading', { level: 1, name: 'Find a tutor' }).waitFor();
    await page.getByTestId('language-select').selectOption('hi');
    await page.getByRole('heading', { level: 1, name: 'ट्यूटर खोजें' }).waitFor();
    expect(await keysSeen()).toEqual([]);
    await context.close();
  });
});
