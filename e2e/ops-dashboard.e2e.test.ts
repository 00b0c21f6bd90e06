import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, logIn, screenshotPath, useServerAndBrowser } from './harness';
import { goOnline } from './room-helpers';

const canRun = chromiumAvailable('e2e: the ops dashboard');

describe.skipIf(!canRun)('the ops dashboard in Chromium', () => {
  const env = useServerAndBrowser();

  it('moves live while a question is asked and claimed: open +1 then −1, and a claim time appears; readable at 360 and 1280 px', async () => {
    const admin = await logIn(env.browser(), env.server().baseUrl, 'admin@tutorline.test');
    await admin.page.setViewportSize({ width: 360, height: 800 });
    await admin.page.goto('/ops');
    const open = admin.page.getByTestId('ops-open').locator('.ops-figure-value');
    await open.waitFor();
    await expect.poll(() => admin.page.getByTestId('ops-status').textContent()).toMatch(/^Live/);
    const openBefore = Number(await open.textContent());

    const tutor = await logIn(env.browser(), env.server().baseUrl, 'tutor08@tutorline.test');
    await goOnline(tutor.page);
    const student = await logIn(env.browser(), env.server().baseUrl, 'student05@tutorline.test');
    await student.page.goto('/student/ask');
    const photo = await sharp({ create: { width: 600, height: 800, channels: 3, background: '#f4f1e8' } }).jpeg().toBuffer();
    await student.page.getByTestId('photo-input').setInputFiles({ name: 'question.jpg', mimeType: 'image/jpeg', buffer: photo });
    await student.page.getByTestId('photo-preview').first().waitFor();
    await student.page.getByTestId('ask-subject').selectOption('maths');
    await student.page.getByTestId('ask-level').selectOption('grade-9-10');
    await student.page.getByTestId('ask-submit').click();
    await student.page.waitForURL(/\/student\/questions\/[0-9a-f-]+$/);
    const questionId = student.page.url().split('/').pop()!;

    // No reload: the page's socket is told and the tile changes in place.
    await expect.poll(async () => Number(await open.textContent()), { timeout: 15_000 }).toBe(openBefore + 1);
    await admin.page.screenshot({ path: screenshotPath('ops-open-360'), fullPage: true });

    const item = tutor.page.locator(`[data-testid="feed-item"][data-question-id="${questionId}"]`);
    await item.waitFor({ timeout: 15_000 });
    const clickedAt = Date.now();
    await item.getByTestId('accept-question').click();
    await expect.poll(async () => Number(await open.textContent()), { timeout: 15_000 }).toBe(openBefore);
    await expect.poll(() => admin.page.getByTestId('ops-claim-p50').locator('.ops-figure-value').textContent()).not.toBe('–');
    console.log(JSON.stringify({ claimShownOnDashboardMs: Date.now() - clickedAt }));
    await admin.page.screenshot({ path: screenshotPath('ops-claimed-360'), fullPage: true });

    // Each chart has its table view.
    await admin.page.getByTestId('chart-funnel').getByRole('button', { name: 'Table' }).click();
    await admin.page.getByTestId('chart-funnel').locator('table').waitFor();
    await admin.page.setViewportSize({ width: 1280, height: 900 });
    await admin.page.screenshot({ path: screenshotPath('ops-1280'), fullPage: true });
    expect(await admin.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    await admin.page.setViewportSize({ width: 360, height: 800 });
    expect(await admin.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  });

  it('shows today’s lessons and classes as the API counts them, and its list behind the tile, day by day, at 360 px', async () => {
    const admin = await logIn(env.browser(), env.server().baseUrl, 'admin@tutorline.test');
    await admin.page.setViewportSize({ width: 360, height: 800 });
    await admin.page.goto('/ops');
    const tile = admin.page.getByTestId('tile-schedule');
    await tile.waitFor();
    const summary = (await (await admin.page.request.get('/api/ops/summary')).json()) as { schedule: { lessons: { today: number }; classes: { today: number } } };
    await expect.poll(() => admin.page.getByTestId('ops-lessons-today').locator('.ops-figure-value').textContent()).toBe(String(summary.schedule.lessons.today));
    await expect.poll(() => admin.page.getByTestId('ops-classes-today').locator('.ops-figure-value').textContent()).toBe(String(summary.schedule.classes.today));
    await tile.getByRole('link', { name: 'See all' }).click();
    await admin.page.waitForURL(/\/admin\/lessons$/);
    await admin.page.getByRole('heading', { name: 'Lessons and classes', level: 1 }).waitFor();

    // The demo history has lessons 10 to 69 days ago: the first day back from 10 that has some, picked by the date field.
    let busiest = { day: '', lessons: 0, classes: 0 };
    for (let back = 10; back < 40 && busiest.lessons === 0; back++) {
      const day = new Date(Date.now() - back * 86_400_000).toISOString().slice(0, 10);
      const list = (await (await admin.page.request.get(`/api/ops/schedule?day=${day}`)).json()) as { lessons: unknown[]; classes: unknown[] };
      busiest = { day, lessons: list.lessons.length, classes: list.classes.length };
    }
    expect(busiest.lessons).toBeGreaterThan(0);
    await admin.page.getByTestId('lessons-day').fill(busiest.day);
    await expect.poll(() => admin.page.url()).toContain(`day=${busiest.day}`);
    await expect.poll(() => admin.page.getByTestId('lesson-row').count()).toBe(busiest.lessons);
    await expect.poll(() => admin.page.getByTestId('class-row').count()).toBe(busiest.classes);
    await admin.page.screenshot({ path: screenshotPath('ops-lessons-360'), fullPage: true });
    expect(await admin.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

    // The Channels tile's list is a staff page (it was the development-only /dev/whatsapp, absent in production).
    await admin.page.goto('/ops');
    await admin.page.getByTestId('tile-channels').getByRole('link', { name: 'See all' }).click();
    await admin.page.waitForURL(/\/admin\/whatsapp$/);
    await admin.page.getByRole('heading', { name: 'WhatsApp messages that failed', level: 1 }).waitFor();
    // This server runs without WhatsApp: the list says so instead of failing.
    await admin.page.getByTestId('wa-off').waitFor();
  });
});
