import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser, type RunningServer, screenshotPath, startServer } from './harness';

const canRun = chromiumAvailable('e2e: LTI usage report');

/**
 * Issue #16: a student and then the teacher launch from the simulated LMS course (/dev/lms, development); the teacher's
 * course view fetches the roster through NRPS and shows the learners' usage, at phone width (360 px).
 */
describe.skipIf(!canRun)('the course usage report in Chromium', () => {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  // A development server (the simulator registers itself as a platform) takes longer to start on a loaded machine.
  beforeAll(async () => {
    server = await startServer({ NODE_ENV: 'development', SEED_DEMO: 'false', LTI_SIMULATOR: 'true', BILLING_PROVIDER: 'none' });
    browser = await launchBrowser();
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  const env = { browser: () => browser!, server: () => server! };

  it('the teacher sees every learner on the roster, the one who launched marked as such', async () => {
    const narrow = { width: 360, height: 780 };
    const student = await env.browser().newContext({ viewport: narrow, baseURL: env.server().baseUrl });
    const sp = await student.newPage();
    await sp.goto('/dev/lms');
    await sp.getByTestId('lms-launch-canvas-student-1').click();
    // A first launch asks whether the person already has a Tutorline account (decision 057): a new one here.
    await sp.getByTestId('lti-continue-new').click();
    await sp.waitForURL(/\/courses\/[0-9a-f-]+$/);
    await student.close();

    const teacher = await env.browser().newContext({ viewport: narrow, baseURL: env.server().baseUrl });
    const page = await teacher.newPage();
    await page.goto('/dev/lms');
    await page.getByTestId('lms-launch-canvas-teacher-1').click();
    await page.getByTestId('lti-continue-new').click();
    await page.waitForURL(/\/courses\/[0-9a-f-]+$/);
    await page.getByTestId('lti-usage').waitFor();
    const learners = page.getByTestId('lti-usage-learner');
    await expect(learners.count()).resolves.toBe(3);
    await expect(learners.nth(0).textContent()).resolves.toContain('Asha Learner');
    await expect(learners.nth(1).textContent()).resolves.toContain('Not opened Tutorline yet');
    // Nothing is wider than the phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.screenshot({ path: screenshotPath('lti-usage-360'), fullPage: true });
    const csv = await page.request.get(await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href').then((h) => h!));
    expect(csv.status()).toBe(200);
    expect((await csv.text()).split('\r\n')[0]).toContain('learner,lti_user_id,verb');
    await teacher.close();
  });
});
