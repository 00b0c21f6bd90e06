import { describe, expect, it } from 'vitest';
import { chromiumAvailable, logIn, screenshotPath, useServerAndBrowser } from './harness';

const canRun = chromiumAvailable('e2e: the ops dashboard');

describe.skipIf(!canRun)('the ops dashboard in Chromium', () => {
  const env = useServerAndBrowser();

  // The tiles moving live (open +1 then −1, a claim time) at 360 and 1280 px: e2e/ops-journey.e2e.test.ts (step 3).

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
