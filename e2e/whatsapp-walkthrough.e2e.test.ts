import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, phone, screenshotPath, useServerAndBrowser } from './harness';

const canRun = chromiumAvailable('e2e: the README WhatsApp walkthrough');

const RIYA = '919900000001';
const TUTOR08 = '919800000008';
const TUTOR16 = '919800000016';

async function pick(page: Page, waId: string) {
  await page.getByTestId(`sim-number-${waId}`).click();
  await page.locator(`[data-testid="sim-phone"][data-number="${waId}"]`).waitFor();
}
async function say(page: Page, text: string) {
  await page.getByTestId('sim-text').fill(text);
  await page.getByTestId('sim-send').click();
}
/** The newest of our messages on the current number that contains `text`. */
const outbound = (page: Page, text: string | RegExp) => page.locator('[data-testid="sim-msg-out"]', { hasText: text }).last();
/** Opens a list message's menu ("☰ Choose subject") and taps a row by its title. */
async function chooseFromList(page: Page, button: string, row: string) {
  const list = page.locator('[data-testid="sim-msg-out"]').filter({ has: page.getByText(`☰ ${button}`) }).last();
  await list.waitFor({ timeout: 20_000 });
  await list.getByTestId('sim-list-open').click();
  await list.getByTestId('sim-list-row').filter({ hasText: row }).first().click();
}

/**
 * README.md, "WhatsApp": the five steps, word for word, in Chromium through /dev/whatsapp, on the server as `npm start`
 * runs it (development: the simulator, the fake payment provider, demo data, plans enforced). Nothing is set up
 * behind the page's back: the demo tutors are reached without sending "online", and their alert is a template
 * (they have not written in 24 hours).
 */
describe.skipIf(!canRun)('the README WhatsApp walkthrough', () => {
  const env = useServerAndBrowser({ NODE_ENV: 'development', SEED_DEMO: 'true', WHATSAPP_PROVIDER: 'simulator', BILLING_PROVIDER: 'fake', HELP_WAVE_SECONDS: '2' });

  it('Riya asks with a photo, gives her age, pays mid-question on the fake page, and tutor08 accepts the template alert', async () => {
    const context = await env.browser().newContext({ viewport: phone, baseURL: env.server().baseUrl });
    const page = await context.newPage();
    await page.goto('/dev/whatsapp');
    await page.getByTestId('sim-page').waitFor();

    // 1. On *Riya (student)*, send a photo of a question with 📷. A number new to Tutorline is asked its age first: send `15`.
    await pick(page, RIYA);
    expect(await page.getByTestId(`sim-number-${RIYA}`).textContent()).toContain('Riya (student)');
    const photo = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#f4f1e8' } })
      .composite([{ input: Buffer.from('<svg width="800" height="600"><text x="60" y="300" font-size="80">2x + 3 = 11</text></svg>'), top: 0, left: 0 }])
      .jpeg()
      .toBuffer();
    await page.getByTestId('sim-photo').setInputFiles({ name: 'q.jpg', mimeType: 'image/jpeg', buffer: photo });
    await outbound(page, 'How old are you?').waitFor({ timeout: 20_000 });
    await say(page, '15');

    // 2. Tap *Choose subject* → *Mathematics*, then *Choose level* → *Grade 9–10*, then *✅ Yes, send it*.
    await chooseFromList(page, 'Choose subject', 'Mathematics');
    await chooseFromList(page, 'Choose level', 'Grade 9–10');
    await outbound(page, 'Send it to a tutor?').getByRole('button', { name: '✅ Yes, send it' }).click();

    // 3. Riya's number is a new account with no plan, so the reply has a link to choose one and says the question is
    //    kept. Open the link (it logs Riya in), tap *Buy Pack of 10 questions*, then *Pay successfully* on the fake
    //    provider's page.
    const refusal = outbound(page, /kept your question/);
    await refusal.waitFor({ timeout: 20_000 });
    expect(await refusal.textContent()).toMatch(/no plan or question credits/i);
    const link = await refusal.getByTestId('sim-link').getAttribute('href');
    expect(link).toMatch(/\/l\/[A-Za-z0-9_-]+$/);
    await page.screenshot({ path: screenshotPath('whatsapp-walkthrough-pay-link-390x844') });
    const pay = await context.newPage();
    await pay.goto(link!);
    await pay.waitForURL(/\/billing$/);
    await pay.getByRole('button', { name: 'Buy Pack of 10 questions' }).click();
    await pay.waitForURL(/\/dev\/fake-pay\/[0-9a-f-]+$/);
    await pay.getByRole('button', { name: 'Pay successfully' }).click();
    await pay.getByText('Payment successful.').waitFor();
    await pay.close();

    // 4. Back on Riya's number: *Payment received ✅ Finding a tutor for you…*. The question went out by itself.
    await outbound(page, 'Payment received ✅ Finding a tutor for you…').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: screenshotPath('whatsapp-walkthrough-paid-390x844') });

    // 5. On *tutor08*, the alert shows the question's photo with *Accept* and *Pause alerts*. It is a template, because
    //    this number has not written in the last 24 hours. Tap *Accept*: the reply has a link into the web room, and
    //    Riya gets one too. tutor16 hears the question was taken.
    await pick(page, TUTOR08);
    const alert = page.locator('[data-testid="sim-template"][data-template="tutor_question_alert"]').last();
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).toContain('New question: Mathematics · Grade 9–10');
    // The header picture is the question's photo, loaded from its signed link.
    await expect.poll(() => alert.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);
    await alert.getByRole('button', { name: 'Pause alerts' }).waitFor();
    await page.screenshot({ path: screenshotPath('whatsapp-walkthrough-template-alert-390x844') });
    await alert.getByRole('button', { name: 'Accept' }).click();
    const tutorLink = await outbound(page, /Join the student here/).getByTestId('sim-link').getAttribute('href');
    expect(tutorLink).toMatch(/\/l\/[A-Za-z0-9_-]+$/);

    await pick(page, RIYA);
    const studentLink = await outbound(page, /accepted your question/).getByTestId('sim-link').getAttribute('href');
    expect(studentLink).toMatch(/\/l\/[A-Za-z0-9_-]+$/);
    await pick(page, TUTOR16);
    await outbound(page, /Another tutor accepted this question first/).waitFor({ timeout: 20_000 });

    // The links open the same web room for both.
    const rooms: string[] = [];
    for (const l of [studentLink!, tutorLink!]) {
      const p = await (await env.browser().newContext({ viewport: phone })).newPage();
      await p.goto(l);
      await p.waitForURL(/\/session\/[0-9a-f-]+$/);
      rooms.push(p.url());
      await p.context().close();
    }
    expect(rooms[0]).toBe(rooms[1]);
    await context.close();
  });
});
