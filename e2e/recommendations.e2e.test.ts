import type { RecommendationModelStatus } from '@tutorline/contracts';
import type { Page } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser, logIn, type RunningServer, screenshotPath, startServer } from './harness';

const canRun = chromiumAvailable('e2e: tutors for you');
const origin = (page: Page) => ({ origin: new URL(page.url()).origin });

describe.skipIf(!canRun)('a student with lesson history sees "Tutors for you" with reasons, on a phone', () => {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  // As useServerAndBrowser, with room for the demo seed's lesson history on a busy machine.
  beforeAll(async () => {
    server = await startServer({ NODE_ENV: 'test', SEED_DEMO: 'true' });
    browser = await launchBrowser();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  const env = { server: () => server!, browser: () => browser! };

  it('the demo trains its first model; the student’s home lists tutors with readable reasons naming only their own tutors, and turning personalisation off gives popular tutors', async () => {
    const baseUrl = env.server().baseUrl;
    const admin = await logIn(env.browser(), baseUrl, 'admin@tutorline.test');
    // The demo's first model is trained by a job in a worker thread as the server starts.
    await expect
      .poll(async () => ((await (await admin.page.request.get('/api/admin/recommendations', { headers: origin(admin.page) })).json()) as RecommendationModelStatus).loaded?.version ?? null, { timeout: 60_000, interval: 250 })
      .not.toBeNull();
    await admin.page.reload();
    await expect.poll(() => admin.page.getByTestId('admin-recommendations').textContent()).toMatch(/Model ease-/);
    await admin.context.close();

    const { context, page } = await logIn(env.browser(), baseUrl, 'student09@tutorline.test');
    const card = page.getByTestId('tutors-for-you');
    await card.getByTestId('rec-tutor').first().waitFor();
    const reasons = await card.getByTestId('rec-reason').allTextContents();
    expect(reasons.some((r) => /^(Because you had lessons with|Students who booked) /.test(r))).toBe(true);
    // Every name in a reason is a tutor (demo tutors' first names), never a student.
    const studentNames = /Aarav|Diya|Ishaan|Kavya|Rohan|Ananya|Kabir|Saanvi|Vihaan|Myra|Olivia|Noah|Zara/;
    expect(reasons.join(' ')).not.toMatch(studentNames);
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('recommendations-home-phone'), fullPage: true });

    await card.getByTestId('rec-personalise').uncheck();
    await expect.poll(async () => (await card.getByTestId('rec-reason').allTextContents()).every((r) => /^(Popular|New tutor)/.test(r))).toBe(true);
    await card.getByTestId('rec-personalise').check();
    await context.close();
  }, 120_000);
});
