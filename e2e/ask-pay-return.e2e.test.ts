import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, logIn, phone, screenshotPath, useServerAndBrowser } from './harness';
import { goOnline, pressCallControl } from './room-helpers';

const canRun = chromiumAvailable('e2e: ask, pay, back to the draft, send; the room at phone size');

/** tutor08 teaches maths at grade 9–10 in the demo data. */
const TUTOR = 'tutor08@tutorline.test';
const origin = (page: Page) => ({ origin: new URL(page.url()).origin });

/**
 * A camera-sized photo of more than 10 MB (an uncompressed PNG, 2600×2000): refused on the device before; now it is
 * shrunk there to a JPEG of at most 2048 px and sent.
 */
async function bigPhoto(): Promise<Buffer> {
  const width = 2600;
  const height = 2000;
  return sharp({ create: { width, height, channels: 3, background: '#f4f1e8' } })
    .composite([
      {
        input: Buffer.from(
          `<svg width="${width}" height="${height}"><text x="160" y="700" font-size="260" font-family="sans-serif">5x + 2 = 27</text><text x="160" y="1100" font-size="140" font-family="sans-serif">(b) Check your answer.</text></svg>`,
        ),
        top: 0,
        left: 0,
      },
    ])
    .png({ compressionLevel: 0 })
    .toBuffer();
}

describe.skipIf(!canRun)('a new student asks, pays on the way, comes back to the question as left, and sends it', () => {
  // NODE_ENV 'test': the fake provider (and its /dev/fake-pay page) is refused in production.
  const env = useServerAndBrowser({ NODE_ENV: 'test', SEED_DEMO: 'true', ...(process.env.WEB_DIST ? { WEB_DIST: process.env.WEB_DIST } : {}) });
  let student: Page;
  let tutor: Page;
  let questionId = '';

  it('shows the credits first, keeps the draft (a shrunk 10 MB+ photo, subject, level, note) across the payment page, which returns by itself, then sends', async () => {
    const baseUrl = env.server().baseUrl;
    const browser = env.browser();
    tutor = (await logIn(browser, baseUrl, TUTOR)).page;
    await goOnline(tutor);

    // A new student with no plan and no credits.
    const context = await browser.newContext({ viewport: phone, baseURL: baseUrl });
    student = await context.newPage();
    await student.goto('/login');
    const email = `ask-pay-${Date.now()}@example.test`;
    const signup = await student.request.post('/api/auth/signup', {
      headers: origin(student),
      data: { role: 'student', email, password: 'violet harbour tangent 4217', displayName: 'Asha Verma', birthDate: '2000-04-02', timeZone: 'Asia/Kolkata' },
    });
    expect(signup.status(), await signup.text()).toBe(201);

    // Before starting, the ask page says a plan or credits are needed, and how to get them.
    await student.goto('/student/ask');
    const credits = student.getByTestId('ask-credits');
    await credits.waitFor();
    expect(await credits.getAttribute('data-can-ask')).toBe('false');
    await student.locator('[data-testid="ask-form"][data-draft="new"]').waitFor();
    await student.screenshot({ path: screenshotPath('ask-credits-none-390x844'), fullPage: true });

    // The photo is over 10 MB: it is made smaller on the phone and sent, not refused.
    const photo = await bigPhoto();
    expect(photo.byteLength).toBeGreaterThan(10 * 1024 * 1024);
    await student.getByTestId('photo-input').setInputFiles({ name: 'IMG_2041.png', mimeType: 'image/png', buffer: photo });
    await student.locator('[data-testid="photo-preview"][data-status="done"]').waitFor({ timeout: 30_000 });
    expect(await student.getByTestId('photo-error').count()).toBe(0);
    await student.getByTestId('ask-subject').selectOption('maths');
    await student.getByTestId('ask-level').selectOption('grade-9-10');
    await student.getByTestId('ask-text').fill('Stuck on part (b): how do I check it?');

    // Send: refused for want of a plan; the way to pay keeps the question.
    await student.getByTestId('ask-submit').click();
    await student.getByTestId('billing-required').waitFor();
    await student.getByTestId('billing-required-link').click();
    await student.waitForURL(/\/billing\?returnTo=/);
    await student.getByTestId('billing-return-note').waitFor();
    await student.getByRole('group', { name: 'Currency' }).getByRole('button', { name: 'INR' }).click();
    await student.locator('[data-testid="plan-card"][data-plan-id="pack-10"]').getByRole('button', { name: /^Buy / }).click();
    await student.waitForURL(/\/dev\/fake-pay\/[0-9a-f-]+$/);
    await student.getByRole('button', { name: 'Pay successfully' }).click();

    // The payment page returns to the app by itself (no click), to the ask form, which says the question is ready.
    await student.waitForURL(/\/student\/ask\?checkout=[0-9a-f-]+$/, { timeout: 15_000 });
    await student.getByTestId('ask-ready').waitFor({ timeout: 30_000 });
    await student.locator('[data-testid="ask-form"][data-draft="restored"]').waitFor();
    await student.locator('[data-testid="photo-preview"][data-status="done"]').waitFor();
    expect(await student.getByTestId('photo-preview').count()).toBe(1);
    expect(await student.getByTestId('ask-subject').inputValue()).toBe('maths');
    expect(await student.getByTestId('ask-level').inputValue()).toBe('grade-9-10');
    expect(await student.getByTestId('ask-text').inputValue()).toBe('Stuck on part (b): how do I check it?');
    await student.screenshot({ path: screenshotPath('ask-ready-after-payment-390x844'), fullPage: true });

    await student.getByTestId('ask-submit').click();
    await student.waitForURL(/\/student\/questions\/[0-9a-f-]+$/, { timeout: 20_000 });
    questionId = student.url().split('/').pop()!;
    const question = (await (await student.request.get(`/api/help/questions/${questionId}`, { headers: origin(student) })).json()) as { text: string; photos: { width: number; height: number }[] };
    expect(question.text).toBe('Stuck on part (b): how do I check it?');
    expect(question.photos).toHaveLength(1);
    expect(Math.max(question.photos[0]!.width, question.photos[0]!.height)).toBeLessThanOrEqual(2048);

    // Sent: the draft is gone, and the ask page now shows the credits left.
    await student.goto('/student/ask');
    await student.locator('[data-testid="ask-form"][data-draft="new"]').waitFor();
    await student.locator('[data-testid="ask-credits"][data-can-ask="true"]').waitFor();
    await student.screenshot({ path: screenshotPath('ask-credits-shown-390x844'), fullPage: true });
    await student.goto(`/student/questions/${questionId}`);
  });

  it('lets the tutor read the photo full size before accepting; the room at phone size keeps the board on screen, with the question', async () => {
    expect(questionId).not.toBe('');
    const item = tutor.locator(`[data-testid="feed-item"][data-question-id="${questionId}"]`);
    await item.waitFor({ timeout: 20_000 });
    await item.getByTestId('photo-thumb').click();
    const viewer = tutor.getByTestId('photo-viewer');
    await viewer.waitFor();
    await tutor.locator('[data-testid="photo-viewer-img"]').evaluate((img: HTMLImageElement) => (img.complete ? null : new Promise((r) => img.addEventListener('load', r, { once: true }))));
    const shown = await tutor.getByTestId('photo-viewer-img').boundingBox();
    expect(shown!.width).toBeGreaterThan(300);
    await tutor.getByTestId('photo-viewer-zoom-in').click();
    await expect.poll(async () => tutor.getByTestId('photo-viewer-zoom').textContent()).toBe('160%');
    await tutor.screenshot({ path: screenshotPath('tutor-photo-viewer-390x844') });
    await tutor.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });

    await item.getByTestId('accept-question').click();
    await tutor.waitForURL(/\/session\/[0-9a-f-]+$/);
    await student.waitForURL(/\/session\/[0-9a-f-]+$/, { timeout: 15_000 });
    for (const page of [tutor, student]) await page.locator('[data-testid="call-view"][data-state="connected"]').waitFor({ timeout: 30_000 });

    // The question's photo goes on the board by itself (placed once, by the tutor's side), and both see it.
    await student.waitForFunction(() => (window.__tutorlineBoard?.elementCount() ?? 0) > 0, undefined, { timeout: 30_000 });
    // The board starts high enough on a phone to be mostly on screen.
    const board = await student.getByTestId('board-panel').boundingBox();
    expect(board!.y).toBeLessThan(phone.height * 0.6);
    await student.screenshot({ path: screenshotPath('room-student-phone-390x844') });
    await tutor.screenshot({ path: screenshotPath('room-tutor-phone-390x844') });

    // The Question pane, for both; the More menu holds the other controls.
    await student.getByTestId('tab-question').click();
    await student.getByTestId('question-pane').getByTestId('photo-thumb').waitFor();
    await student.screenshot({ path: screenshotPath('room-student-question-pane-390x844') });
    await tutor.getByTestId('btn-more').click();
    await tutor.getByTestId('call-menu').waitFor();
    await tutor.screenshot({ path: screenshotPath('room-tutor-more-menu-390x844') });
    // The menu works from the keyboard: Escape closes it back onto "More", arrows open and move, End goes last.
    const focused = () => tutor.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? '');
    await expect.poll(focused).not.toBe('btn-more');
    await tutor.keyboard.press('Escape');
    await tutor.getByTestId('call-menu').waitFor({ state: 'detached' });
    expect(await focused()).toBe('btn-more');
    await tutor.keyboard.press('ArrowDown');
    await tutor.getByTestId('call-menu').waitFor();
    await expect.poll(focused).toBe('btn-screen');
    await tutor.keyboard.press('End');
    await expect.poll(focused).toBe('btn-end');
    await tutor.keyboard.press('Escape');
    await tutor.getByTestId('call-menu').waitFor({ state: 'detached' });

    // Back during the call asks first; staying keeps the call.
    await student.goBack();
    await student.getByTestId('leave-call-dialog').waitFor();
    await student.screenshot({ path: screenshotPath('room-student-leave-confirm-390x844') });
    await student.getByTestId('leave-call-stay').click();
    await student.getByTestId('leave-call-dialog').waitFor({ state: 'detached' });
    expect(student.url()).toMatch(/\/session\/[0-9a-f-]+$/);

    // A chat message read before a reload is not unread after it.
    await tutor.getByTestId('tab-chat').click();
    await tutor.getByTestId('chat-input').fill('Start by taking 2 from both sides.');
    await tutor.getByTestId('chat-send').click();
    await student.getByTestId('chat-unread').waitFor();
    await student.getByTestId('tab-chat').click();
    await student.locator('[data-testid="chat-message"]', { hasText: 'taking' }).waitFor();
    await expect.poll(() => student.getByTestId('chat-unread').count()).toBe(0);
    // The server has stored the read mark (its answer came back), so the reload below starts from it.
    const newest = await student.locator('[data-testid="chat-message"]').last().getAttribute('data-id');
    await student.locator(`[data-testid="chat-panel"][data-read-saved="${newest}"]`).waitFor();
    await student.reload();
    await student.locator('[data-testid="call-view"]').waitFor({ timeout: 30_000 });
    await student.locator('[data-testid="chat-message"]', { hasText: 'taking' }).waitFor({ state: 'attached', timeout: 15_000 });
    expect(await student.getByTestId('chat-unread').count()).toBe(0);

    // The tutor ends it (two taps) and is asked about the student, never about herself.
    await pressCallControl(tutor, 'btn-end');
    await tutor.getByTestId('btn-end').click();
    await tutor.getByTestId('session-rate-form').waitFor({ timeout: 15_000 });
    const heading = (await tutor.locator('#session-rate-title').textContent()) ?? '';
    expect(heading).toBe('How was your session with Asha Verma?');
    expect(await tutor.getByText(/Tell us how .* did/).count()).toBe(0);
    await tutor.screenshot({ path: screenshotPath('session-ended-tutor-rates-student-390x844'), fullPage: true });
    await tutor.getByTestId('session-star-4').click();
    await tutor.getByTestId('session-rate-submit').click();
    await tutor.getByTestId('session-rated').waitFor();
  });

  it('cancels a waiting question only after a second, explicit step', async () => {
    const headers = origin(student);
    const up = await student.request.post('/api/help/photos', { headers, multipart: { file: { name: 'q.jpg', mimeType: 'image/jpeg', buffer: await sharp({ create: { width: 600, height: 400, channels: 3, background: '#fff' } }).jpeg().toBuffer() } } });
    expect(up.status()).toBe(201);
    const asked = await student.request.post('/api/help/questions', {
      headers,
      data: { requestId: crypto.randomUUID(), subjectId: 'maths', level: 'grade-9-10', photoIds: [((await up.json()) as { photoId: string }).photoId] },
    });
    expect(asked.status()).toBe(201);
    const id = ((await asked.json()) as { id: string }).id;
    const status = async () => ((await (await student.request.get(`/api/help/questions/${id}`, { headers })).json()) as { status: string }).status;
    await student.goto(`/student/questions/${id}`);

    // One tap only asks; "Keep waiting" keeps it.
    await student.getByTestId('cancel-question').click();
    await student.getByTestId('cancel-confirm').waitFor();
    expect(await status()).toBe('open');
    await student.screenshot({ path: screenshotPath('question-cancel-confirm-390x844'), fullPage: true });
    await student.getByTestId('cancel-question-keep').click();
    await student.getByTestId('cancel-question').waitFor();
    expect(await status()).toBe('open');

    await student.getByTestId('cancel-question').click();
    await student.getByTestId('cancel-question-confirm').click();
    await expect.poll(status).toBe('cancelled');
  });
});
