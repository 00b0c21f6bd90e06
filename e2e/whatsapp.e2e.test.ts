import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, phone, screenshotPath, useServerAndBrowser } from './harness';

const canRun = chromiumAvailable('e2e: WhatsApp simulator');

const STUDENT = '919900000001';
const TUTOR_A = '919800000008';
const TUTOR_B = '919800000016';

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

describe.skipIf(!canRun)('WhatsApp through the development simulator', () => {
  // The simulator is development-only: the server runs in development mode with the in-process fake Graph API.
  // The simulator's student numbers are new to us, with no plan or credits: entitlements are off here, since this
  // journey is about WhatsApp (the refusal with a link to choose a plan is in whatsapp.int.test.ts; paying is in
  // billing.e2e.test.ts).
  const env = useServerAndBrowser({ NODE_ENV: 'development', WHATSAPP_PROVIDER: 'simulator', HELP_WAVE_SECONDS: '2', BILLING_ENFORCE_ENTITLEMENTS: 'false' });

  it('a student number sends a photo, two tutor numbers get alerts, the first Accept wins, both open the web room', async () => {
    const context = await env.browser().newContext({ viewport: phone, baseURL: env.server().baseUrl });
    const page = await context.newPage();
    await page.goto('/dev/whatsapp');
    await page.getByTestId('sim-page').waitFor();

    // The tutors go online from WhatsApp (their 24-hour window opens too).
    for (const tutor of [TUTOR_A, TUTOR_B]) {
      await pick(page, tutor);
      await say(page, 'online');
      await outbound(page, /online/i).waitFor();
    }

    // The student sends a photo, picks the subject and level, and confirms.
    await pick(page, STUDENT);
    const photo = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#f4f1e8' } })
      .composite([{ input: Buffer.from('<svg width="800" height="600"><text x="60" y="300" font-size="80">5x + 2 = 17</text></svg>'), top: 0, left: 0 }])
      .jpeg()
      .toBuffer();
    await page.getByTestId('sim-photo').setInputFiles({ name: 'q.jpg', mimeType: 'image/jpeg', buffer: photo });
    // A number new to Tutorline gives its age before its first question.
    await outbound(page, /How old are you\?/).waitFor({ timeout: 15_000 });
    await say(page, '15');
    await outbound(page, /Which subject/).waitFor({ timeout: 15_000 });
    await outbound(page, /Which subject/).getByTestId('sim-list-open').click();
    await page.locator('[data-testid="sim-list-row"][data-reply-id="subject:maths"]').click();
    const levels = page.locator('[data-testid="sim-msg-out"]').filter({ has: page.getByText('☰ Choose level') }).last();
    await levels.waitFor();
    await levels.getByTestId('sim-list-open').click();
    await page.locator('[data-testid="sim-list-row"][data-reply-id="subject:maths:grade-9-10"]').click();
    await page.locator('[data-testid="sim-button"][data-reply-id="confirm"]').last().click();
    await outbound(page, /Finding a tutor|looking/i).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: screenshotPath('whatsapp-student-waiting-390x844') });

    // Both tutors get the alert with an Accept button; tutor A accepts first.
    await pick(page, TUTOR_B);
    await page.locator('[data-testid="sim-button"][data-reply-id^="accept:"]').last().waitFor({ timeout: 20_000 });
    await pick(page, TUTOR_A);
    const accept = page.locator('[data-testid="sim-button"][data-reply-id^="accept:"]').last();
    await accept.waitFor({ timeout: 20_000 });
    await page.screenshot({ path: screenshotPath('whatsapp-tutor-alert-390x844') });
    await accept.click();
    const tutorLink = await outbound(page, /Join the student/).getByTestId('sim-link').getAttribute('href');
    expect(tutorLink).toMatch(/\/l\/[A-Za-z0-9_-]+$/);

    await pick(page, TUTOR_B);
    await outbound(page, /accepted this question first/).waitFor({ timeout: 15_000 });
    await pick(page, STUDENT);
    const studentLink = await outbound(page, /accepted/).getByTestId('sim-link').getAttribute('href');
    expect(studentLink).toMatch(/\/l\/[A-Za-z0-9_-]+$/);
    await page.screenshot({ path: screenshotPath('whatsapp-student-accepted-390x844') });

    // Each link logs its holder in and opens the same live room.
    const rooms: Page[] = [];
    for (const link of [studentLink!, tutorLink!]) {
      const c = await env.browser().newContext({ viewport: phone });
      const p = await c.newPage();
      await p.goto(link);
      await p.waitForURL(/\/session\/[0-9a-f-]+$/);
      await p.getByTestId('call-view').waitFor({ timeout: 30_000 });
      rooms.push(p);
    }
    expect(rooms[0]!.url()).toBe(rooms[1]!.url());
    await rooms[0]!.locator('[data-testid="call-view"][data-state="connected"]').waitFor({ timeout: 30_000 });
    await rooms[0]!.screenshot({ path: screenshotPath('whatsapp-student-room-390x844') });
    for (const p of rooms) await p.context().close();
    await context.close();
  });
});
