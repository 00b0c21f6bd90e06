import { describe, expect, it } from 'vitest';
import { chromiumAvailable, screenshotPath, useServerAndBrowser } from './harness';

const canRun = chromiumAvailable('e2e: sign-up form checks');

/** Issue #13.7: the sign-up form shows its mistakes inline, with the server's rules, before anything is sent. */
describe.skipIf(!canRun)('sign-up checks in the browser', () => {
  const env = useServerAndBrowser();

  it('shows a bad email and a common password inline at 360 px, accessibly, without a submit reaching the server', async () => {
    const context = await env.browser().newContext({ viewport: { width: 360, height: 740 }, baseURL: env.server().baseUrl });
    const page = await context.newPage();
    let signUps = 0;
    page.on('request', (r) => {
      if (r.url().endsWith('/api/auth/signup')) signUps += 1;
    });

    await page.goto('/signup');
    await page.getByLabel('Display name').fill('Meera Iyer');
    await page.getByLabel('Email').fill('meera@');
    await page.getByLabel('Password').fill('1234567890');
    await page.getByLabel('Birth date').fill('2000-04-02');

    // Both mistakes are shown together, each tied to its field.
    const email = page.getByLabel('Email');
    const password = page.getByLabel('Password');
    await page.getByText('Email must be an email address').waitFor();
    await page.getByText('Password is one of the most common passwords.').waitFor();
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    expect(await password.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await password.getAttribute('aria-describedby'))!.split(' ');
    const errorText = await page.locator(`[id="${describedBy.find((id) => id.endsWith('-error'))}"]`).textContent();
    expect(errorText).toMatch(/^Password is one of the most common passwords\. \S/);
    await page.screenshot({ path: screenshotPath('signup-inline-errors-360'), fullPage: true });

    await page.getByRole('button', { name: 'Sign up' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('email');
    expect(signUps).toBe(0);

    // Fixed, it goes through.
    await email.fill(`e2e-checks-${Date.now()}@example.test`);
    await password.fill('violet kettle under the stairs');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByTestId('student-home').waitFor();
    expect(signUps).toBe(1);
    await context.close();
  });
});
