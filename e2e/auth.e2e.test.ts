import { describe, expect, it } from 'vitest';
import { chromiumAvailable, logIn, phone, screenshotPath, useServerAndBrowser } from './harness';

const canRun = chromiumAvailable('e2e: sign-up and access journeys');

describe.skipIf(!canRun)('sign-up, log-in and access in Chromium', () => {
  const env = useServerAndBrowser();

  it('a student signs up, logs out, logs in again and sees the student home', async () => {
    const context = await env.browser().newContext({ viewport: phone, baseURL: env.server().baseUrl });
    const page = await context.newPage();
    const email = `e2e-${Date.now()}@example.test`;
    const password = 'a long enough password';

    await page.goto('/signup');
    await page.getByLabel('Student').check();
    await page.getByLabel('Display name').fill('Riya E2E');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByLabel('Birth date').fill('2000-04-02');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByTestId('student-home').waitFor();
    await expect(page.getByTestId('header-user').textContent()).resolves.toContain('Riya E2E');

    await page.getByTestId('logout-button').click();
    await page.waitForURL('**/login');
    // The session is really gone on the server, not just in the page.
    expect((await page.request.get('/api/me')).status()).toBe(401);

    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('student-home').waitFor();
    expect(page.url()).toMatch(/\/student$/);
    await page.screenshot({ path: screenshotPath('student-home-390x844'), fullPage: false });
    await context.close();
  });

  it('a tutor cannot open the admin page, and the admin API refuses them', async () => {
    const { context, page } = await logIn(env.browser(), env.server().baseUrl, 'tutor01@tutorline.test');
    await page.getByTestId('tutor-home').waitFor();

    await page.goto('/admin');
    await page.getByTestId('forbidden').waitFor();
    expect(await page.getByTestId('forbidden').textContent()).toMatch(/not allowed/i);
    expect(await page.getByTestId('admin-home').count()).toBe(0);
    expect((await page.request.get('/api/admin/users')).status()).toBe(403);
    await context.close();
  });

  it('an admin sees the admin home', async () => {
    const { context, page } = await logIn(env.browser(), env.server().baseUrl, 'admin@tutorline.test');
    await page.getByTestId('admin-home').waitFor();
    await context.close();
  });
});
