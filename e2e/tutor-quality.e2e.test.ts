import { describe, expect, it } from 'vitest';
import { chromiumAvailable, logIn, phone, screenshotPath, useServerAndBrowser } from './harness';

const canRun = chromiumAvailable('e2e: a tutor’s quality page');

describe.skipIf(!canRun)('a tutor’s quality page in Chromium (#18)', () => {
  const env = useServerAndBrowser();

  it('opens from the tutor list, shows the figures at phone width, and puts the tutor on probation, then suspends them, each with a reason', async () => {
    const admin = await logIn(env.browser(), env.server().baseUrl, 'admin@tutorline.test');
    await admin.page.goto('/admin');
    const row = admin.page.getByTestId('admin-tutor-row').filter({ has: admin.page.getByTestId('approval-status').and(admin.page.locator('[data-status="approved"]')) }).first();
    await row.getByTestId('tutor-quality-link').click();
    await admin.page.waitForURL(/\/admin\/tutors\/[0-9a-f-]+$/);
    await admin.page.getByTestId('tutor-quality').waitFor();
    await expect.poll(() => admin.page.getByTestId('tq-status').getAttribute('data-status')).toBe('approved');
    // An admin holds finance too: the ledger's earnings are shown.
    await admin.page.getByTestId('tq-earnings').waitFor();

    const reason = admin.page.getByLabel('Reason');
    const probation = admin.page.getByRole('button', { name: 'Put on probation' });
    expect(await probation.isDisabled()).toBe(true);
    await reason.fill('Two late cancellations this month');
    await probation.click();
    await admin.page.getByTestId('tq-probation').waitFor();
    await admin.page.screenshot({ path: screenshotPath('tutor-quality-390'), fullPage: true });
    expect(await admin.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);

    await reason.fill('Identity document did not match');
    await admin.page.getByRole('button', { name: 'Suspend' }).click();
    await expect.poll(() => admin.page.getByTestId('tq-status').getAttribute('data-status')).toBe('suspended');
    await admin.page.getByRole('button', { name: 'Reinstate' }).waitFor();
    await admin.page.setViewportSize({ width: 360, height: 800 });
    await admin.page.screenshot({ path: screenshotPath('tutor-quality-suspended-360'), fullPage: true });
    expect(await admin.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  });
});
