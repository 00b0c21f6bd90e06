import { describe, expect, it } from 'vitest';
import { chromiumAvailable, screenshotPath, useServerAndBrowser } from './harness';

const suite = 'e2e: /check on a site with no STUN or TURN';

// #13.8: the page said "Lessons should work, with a few problems. Look at the tips below" with no tips below; the only
// "problems" were that the site had no STUN or TURN. The site's setup is now a note apart, not the user's verdict.
describe.skipIf(!chromiumAvailable(suite))('/check on a site with no STUN or TURN, on a 360 px phone', () => {
  const env = useServerAndBrowser();

  it("says the user is ready, with no tips to look for, and tells the site's missing relay apart", async () => {
    const context = await env.browser().newContext({ viewport: { width: 360, height: 740 }, baseURL: env.server().baseUrl });
    const page = await context.newPage();
    await page.goto('/check');
    await page.getByTestId('check-start').click();
    const heard = page.getByTestId('check-speaker-yes');
    await heard.waitFor({ timeout: 30_000 });
    await heard.click();
    await page.getByTestId('check-report-id').waitFor({ timeout: 90_000 });

    for (const id of ['stun', 'turnUdp', 'turnTcp']) {
      const row = page.getByTestId(`check-row-${id}`);
      expect(await row.getAttribute('data-status')).toBe('skipped');
      await expect(row.textContent()).resolves.toContain('not a problem with your network');
    }
    const summary = page.getByTestId('check-summary');
    expect(await summary.getAttribute('data-overall')).toBe('pass');
    await expect(summary.textContent()).resolves.not.toMatch(/tips below/i);
    expect(await page.getByTestId('check-tips').count()).toBe(0);
    await expect(page.getByTestId('check-site-notes').textContent()).resolves.toMatch(/no STUN or relay \(TURN\) server set up.*not a problem with your device or network/);
    const id = (await page.getByTestId('check-report-id').textContent())!.trim();
    const saved = await (await page.request.get(`/api/check/reports/${id}`)).status();
    expect(saved).toBe(401); // admins only; the verdict shown is the server's
    await page.getByTestId('check-summary').scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('check-no-relay-360') });
    await page.screenshot({ path: screenshotPath('check-no-relay-360-full'), fullPage: true });
    await context.close();
  });
});
