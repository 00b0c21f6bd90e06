import type { Me } from '@tutorline/contracts';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, DEMO_PASSWORD, screenshotPath, useServerAndBrowser } from './harness';

const canRun = chromiumAvailable('e2e: times, words and navigation on a phone');

/** A small phone: the screenshots are taken at this size. */
const smallPhone = { width: 360, height: 800 };

async function logInAs(browser: Browser, baseUrl: string, email: string, o: { locale: string; timezoneId: string }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: smallPhone, baseURL: baseUrl, locale: o.locale, timezoneId: o.timezoneId });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/(student|tutor|admin)$/);
  return { context, page };
}

const origin = (page: Page) => ({ origin: new URL(page.url()).origin });

/** The bottom bar is on screen, at the bottom, and the page's end can scroll clear of it. */
async function expectBottomNav(page: Page, active: string) {
  const nav = page.getByTestId('app-nav');
  await nav.waitFor();
  const box = (await nav.boundingBox())!;
  expect(Math.round(box.y + box.height)).toBe(smallPhone.height);
  // A lazily loaded page keeps the old screen (and its current item) until its code has arrived.
  await expect.poll(() => nav.locator('[aria-current="page"]').textContent()).toBe(active);
  const padding = await page.locator('main').evaluate((m) => parseFloat(getComputedStyle(m).paddingBottom));
  expect(padding).toBeGreaterThanOrEqual(box.height);
}

describe.skipIf(!canRun)('times, words and navigation on a 360×800 phone', () => {
  const env = useServerAndBrowser({ NODE_ENV: 'test', SEED_DEMO: 'true' });

  it('a student has a bottom bar, sees lesson prices before booking, finds a hold again after Back, and reads lessons in 12-hour New York time; the admin sees only the actions that apply', async () => {
    const baseUrl = env.server().baseUrl;

    // The tutor lives in Kolkata (demo data); we only need their id.
    const tutor = await logInAs(env.browser(), baseUrl, 'tutor08@tutorline.test', { locale: 'en-GB', timezoneId: 'Asia/Kolkata' });
    const tutorMe = (await (await tutor.page.request.get('/api/me', { headers: origin(tutor.page) })).json()) as Me;
    await expectBottomNav(tutor.page, 'Home');
    expect(await tutor.page.getByTestId('app-nav').getByRole('link').allTextContents()).toEqual(['Home', 'Availability', 'My lessons', 'Classes', 'Earnings']);
    await tutor.context.close();

    // ---- Student, in a US-English browser in New York: 12-hour times everywhere.
    const student = await logInAs(env.browser(), baseUrl, 'student15@tutorline.test', { locale: 'en-US', timezoneId: 'America/New_York' });
    const page = student.page;
    expect((await page.request.patch('/api/me', { headers: origin(page), data: { timeZone: 'America/New_York' } })).status()).toBe(200);
    await page.reload();
    await expectBottomNav(page, 'Home');
    expect(await page.getByTestId('app-nav').getByRole('link').allTextContents()).toEqual(['Home', 'Ask', 'Find a tutor', 'My lessons', 'Classes', 'Plans']);
    await page.screenshot({ path: screenshotPath('words-student-home-360x800') });

    // ---- The tutor's profile: each length's price before Book.
    await page.getByTestId('app-nav').getByRole('link', { name: 'Find a tutor' }).click();
    await page.waitForURL(/\/tutors$/);
    await expectBottomNav(page, 'Find a tutor');
    await page.goto(`/tutors/${tutorMe.id}`);
    const picker = page.getByTestId('slot-picker');
    await picker.waitFor();
    const profile = (await (await page.request.get(`/api/tutors/${tutorMe.id}`, { headers: origin(page) })).json()) as { lessonPrices: { durationMinutes: number; priceMinor: number }[]; currency: string };
    expect(profile.currency).toBe('INR');
    expect(profile.lessonPrices.length).toBeGreaterThan(0);
    const prices = await picker.getByTestId('lesson-price').allTextContents();
    expect(prices).toHaveLength(profile.lessonPrices.length);
    for (const [i, p] of profile.lessonPrices.entries()) expect(prices[i]).toBe(`₹${(p.priceMinor / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`);
    // Zones by name, with the IANA name on hover.
    const yours = picker.locator('.zone-name[data-zone="America/New_York"]').first();
    expect(await yours.textContent()).toBe('New York time');
    expect(await yours.getAttribute('title')).toContain('America/New_York');
    expect(await picker.locator('.zone-name[data-zone="Asia/Kolkata"]').first().textContent()).toBe('Kolkata time');

    // Book the first free time; it is held while paying.
    await picker.locator('.day-chip:not([disabled])').first().click();
    const slot = picker.locator('label.slot').first();
    expect(await slot.locator('.slot-yours').textContent()).toMatch(/^\d{1,2}:\d{2}\s[AP]M$/);
    await slot.click();
    const bookBox = page.getByTestId('book-box');
    expect(await bookBox.getByTestId('book-price').textContent()).toMatch(/^₹/);
    await bookBox.getByRole('button', { name: /^Book \d+-minute lesson/ }).click();
    const held = page.getByTestId('booking-held');
    await held.waitFor();
    expect(await held.locator('#held-title').textContent()).toMatch(/until \d{1,2}:\d{2}\s[AP]M/);

    // To the payment page, then Back: the profile shows the hold again, from the server.
    await held.getByRole('button', { name: /^Pay / }).click();
    await page.waitForURL(/\/dev\/fake-pay\//);
    await page.goBack();
    await page.waitForURL(new RegExp(`/tutors/${tutorMe.id}$`));
    const hold = page.getByTestId('active-hold');
    await hold.waitFor();
    expect(await hold.locator('.hold-notice-title').textContent()).toMatch(/^You are holding \w{3}, \w{3} \d{1,2}, \d{1,2}:\d{2}\s[AP]M$/);
    expect(await hold.textContent()).toMatch(/Held for you until \d{1,2}:\d{2}\s[AP]M \(\d+ min left\)\. Pay ₹[\d,.]+ to confirm it\./);
    // Screenshots are of the screen as seen (a full-page capture would draw the fixed bar mid-page).
    await picker.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: screenshotPath('words-tutor-profile-prices-hold-360x800') });

    // Pay now from the notice: confirmed.
    await hold.getByRole('button', { name: 'Pay now' }).click();
    await page.waitForURL(/\/dev\/fake-pay\//);
    await page.getByRole('button', { name: 'Pay successfully' }).click();
    await page.getByRole('link', { name: 'Back to Tutorline' }).click();
    await page.getByTestId('payment-confirmed').waitFor();

    // ---- My lessons: the student's zone by name, the tutor's clock by city, hovers give the IANA names.
    await page.getByTestId('app-nav').getByRole('link', { name: 'My lessons' }).click();
    await page.waitForURL(/\/lessons$/);
    await expectBottomNav(page, 'My lessons');
    const lesson = page.getByTestId('lesson').first();
    await lesson.waitFor();
    expect(await page.locator('.lead .zone-name').textContent()).toBe('New York time');
    expect(await page.locator('.lead .zone-name').getAttribute('title')).toBe('Eastern Time (America/New_York)');
    expect(await lesson.locator('.lesson-time').textContent()).toMatch(/\d{1,2}:\d{2}\s[AP]M/);
    expect(await lesson.locator('.lesson-theirs').textContent()).toMatch(/^Tutor: \d{1,2}:\d{2}\s[AP]M( \w{3})? in Kolkata$/);
    expect(await lesson.locator('.lesson-theirs').getAttribute('title')).toContain('Asia/Kolkata');
    // The booking's notice reads on the same 12-hour clock, the zone by name.
    const notice = page.locator('.notice-text').filter({ hasText: 'Booked:' }).first();
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/on \w{3}, \w{3} \d{1,2}, \d{1,2}:\d{2}\s[AP]M \(New York time\)\.$/);
    await page.screenshot({ path: screenshotPath('words-my-lessons-360x800') });
    await page.locator('.notices').first().evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await page.screenshot({ path: screenshotPath('words-my-lessons-notices-360x800') });
    await student.context.close();

    // ---- Admin: a new tutor waits for approval; each row offers only what applies to it.
    const signup = await fetch(`${baseUrl}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: baseUrl },
      body: JSON.stringify({ role: 'tutor', email: `new-tutor-${Date.now()}@example.test`, password: 'a long and unusual passphrase 42', displayName: 'Asha Newcomer', timeZone: 'Asia/Kolkata' }),
    });
    expect(signup.status).toBe(201);
    const admin = await logInAs(env.browser(), baseUrl, 'admin@tutorline.test', { locale: 'en-IN', timezoneId: 'Asia/Kolkata' });
    await expectBottomNav(admin.page, 'Tutors');
    const rows = admin.page.getByTestId('admin-tutor-row');
    await rows.first().waitFor();
    const pending = rows.filter({ hasText: 'Asha Newcomer' });
    expect(await pending.getByRole('button').allTextContents()).toEqual(['Approve', 'Suspend']);
    const approved = rows.filter({ has: admin.page.getByTestId('approval-status').filter({ hasText: /approved/i }) });
    expect(await approved.count()).toBeGreaterThan(0);
    for (const row of await approved.all()) expect(await row.getByRole('button').allTextContents()).toEqual(['Suspend']);
    // Suspend one: it now offers Reinstate, and nothing greyed out.
    const first = approved.first();
    const name = (await first.locator('.tutor-row-name').textContent())!;
    await first.getByRole('button', { name: 'Suspend' }).click();
    const suspended = rows.filter({ hasText: name });
    await expect.poll(() => suspended.getByRole('button').allTextContents()).toEqual(['Reinstate']);
    // Every row's buttons wait while a change is saved (and the lists it touches refetch): once it settles, none is greyed.
    await expect.poll(() => rows.locator('button[disabled]').count()).toBe(0);
    await pending.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await admin.page.screenshot({ path: screenshotPath('words-admin-tutors-360x800') });
    await admin.context.close();
  });
});
