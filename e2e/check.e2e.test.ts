import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coturnAvailable, type RunningCoturn, startCoturn } from './coturn';
import { chromiumAvailable, launchBrowser, logIn, phone, type RunningServer, screenshotPath, startServer } from './harness';

const suite = 'e2e: connectivity self-test';
const canRun = chromiumAvailable(suite) && coturnAvailable(suite);

const status = (page: Page, id: string) => page.getByTestId(`check-row-${id}`).getAttribute('data-status');

/** Starts the check, answers the speaker question, and waits for the saved report's id. */
async function runCheck(page: Page, heardSound: boolean, shots?: string): Promise<string> {
  await page.goto('/check');
  await page.getByTestId('check-page').waitFor();
  if (shots) await page.screenshot({ path: screenshotPath(`${shots}-start`) });
  await page.getByTestId('check-start').click();
  // The camera's and microphone's rows settle before the speaker asks its question.
  const answer = page.getByTestId(heardSound ? 'check-speaker-yes' : 'check-speaker-no');
  await answer.waitFor({ timeout: 30_000 });
  if (shots) await page.screenshot({ path: screenshotPath(`${shots}-speaker`) });
  await answer.click();
  await page.getByTestId('check-report-id').waitFor({ timeout: 90_000 });
  return (await page.getByTestId('check-report-id').textContent())!.trim();
}

describe.skipIf(!canRun)('connectivity self-test in Chromium, with a real coturn', () => {
  let coturn: RunningCoturn | undefined;
  let server: RunningServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    coturn = await startCoturn();
    server = await startServer({
      STUN_URLS: coturn.stunUrl,
      TURN_URLS: `${coturn.turnUdpUrl},${coturn.turnTcpUrl}`,
      TURN_SECRET: coturn.secret,
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await coturn?.stop();
  });

  it('a logged-out child on a phone runs every check, the relay works over UDP and TCP, and an admin opens the report by its code', async () => {
    const context = await browser!.newContext({ viewport: phone, baseURL: server!.baseUrl });
    const page = await context.newPage();
    const id = await runCheck(page, true, 'check');
    expect(id).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);

    expect(await status(page, 'camera')).toBe('pass');
    expect(await status(page, 'microphone')).toBe('pass');
    expect(await status(page, 'speaker')).toBe('pass');
    // Loopback only: coturn cannot see a public address, so STUN warns (or passes); it never crashes the page.
    expect(['pass', 'warn']).toContain(await status(page, 'stun'));
    expect(await status(page, 'turnUdp')).toBe('pass');
    expect(await status(page, 'turnTcp')).toBe('pass');
    expect(await status(page, 'upload')).toBe('pass');
    expect(await status(page, 'download')).toBe('pass');
    await expect(page.getByTestId('check-row-turnUdp').textContent()).resolves.toMatch(/connected in \d+ ms/);
    await page.screenshot({ path: screenshotPath('check-summary') });
    await page.screenshot({ path: screenshotPath('check-summary-full'), fullPage: true });
    await context.close();

    const admin = await logIn(browser!, server!.baseUrl, 'admin@tutorline.test');
    // Support types what the child read out: lower case, no dash.
    await admin.page.goto(`/admin/check/${id.replace('-', '').toLowerCase()}`);
    const report = admin.page.getByTestId('check-report');
    await report.waitFor();
    expect(await report.textContent()).toContain(id);
    expect(await admin.page.getByTestId('check-report-row-turnTcp').getAttribute('data-status')).toBe('pass');
    expect(await admin.page.getByTestId('check-report-row-camera').getAttribute('data-status')).toBe('pass');
    const saved = await (await admin.page.request.get(`/api/check/reports/${id}`)).json();
    expect(saved).toMatchObject({ id, userId: null, turnUdp: { status: 'pass' }, turnTcp: { status: 'pass' }, diagnostics: { device: expect.any(String) } });
    expect(saved.turnUdp.ms).toBeGreaterThan(0);
    await admin.page.screenshot({ path: screenshotPath('check-admin-report'), fullPage: true });

    await admin.page.goto('/admin/check/2222-2222');
    await admin.page.getByTestId('check-report-missing').waitFor();
    await admin.context.close();
  });

  it('works for a logged-in student too, remembers who ran it, and gives speaker advice when the sound was not heard', async () => {
    const student = await logIn(browser!, server!.baseUrl, 'student05@tutorline.test');
    const id = await runCheck(student.page, false);
    expect(await status(student.page, 'speaker')).toBe('fail');
    await expect(student.page.getByTestId('check-summary').textContent()).resolves.toMatch(/volume/i);
    expect(await student.page.getByTestId('check-summary').getAttribute('data-overall')).toBe('warn');
    const me = await (await student.page.request.get('/api/me')).json();
    // Only admins read reports.
    expect((await student.page.request.get(`/api/check/reports/${id}`)).status()).toBe(403);
    await student.context.close();

    const admin = await logIn(browser!, server!.baseUrl, 'admin@tutorline.test');
    const saved = await (await admin.page.request.get(`/api/check/reports/${id}`)).json();
    expect(saved.userId).toBe(me.id);
    expect(saved.speaker.status).toBe('fail');
    await admin.context.close();
  });

  it('fails the relay rows, with advice, when the relay refuses the credential (bad credentials fail silently in WebRTC)', async () => {
    const wrong = await startServer({ STUN_URLS: coturn!.stunUrl, TURN_URLS: `${coturn!.turnUdpUrl},${coturn!.turnTcpUrl}`, TURN_SECRET: 'not-the-coturn-secret-at-all' });
    try {
      const context = await browser!.newContext({ viewport: phone, baseURL: wrong.baseUrl });
      const page = await context.newPage();
      await runCheck(page, true);
      expect(await status(page, 'turnUdp')).toBe('fail');
      expect(await status(page, 'turnTcp')).toBe('fail');
      expect(await status(page, 'camera')).toBe('pass');
      await expect(page.getByTestId('check-summary').textContent()).resolves.toMatch(/blocks our video relay/);
      // No relay and no public address: nothing can carry a call.
      expect(await page.getByTestId('check-summary').getAttribute('data-overall')).toBe('fail');
      await page.screenshot({ path: screenshotPath('check-relay-blocked'), fullPage: true });
      await context.close();
    } finally {
      await wrong.stop();
    }
  });
});
