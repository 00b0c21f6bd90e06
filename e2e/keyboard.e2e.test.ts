import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { smallPhone } from './a11y-helpers';
import { chromiumAvailable, useServerAndBrowser } from './harness';
import { chooseByKeyboard, expectFocusOnHeading, focusedTag, isFocused, logInByKeyboard, tabTo } from './keyboard-helpers';

const canRun = chromiumAvailable('e2e: keyboard-only journeys (#21)');

const photo = () =>
  sharp({ create: { width: 800, height: 600, channels: 3, background: '#f4f1e8' } })
    .composite([{ input: Buffer.from('<svg width="800" height="600"><text x="60" y="300" font-size="80">3x − 4 = 11</text></svg>'), top: 0, left: 0 }])
    .jpeg()
    .toBuffer();

describe.skipIf(!canRun)('keyboard alone, in Chromium at 360 px (#21)', () => {
  // Payments on (the fake provider's page); questions not held back by plans.
  const env = useServerAndBrowser({ NODE_ENV: 'test', SEED_DEMO: 'true', BILLING_ENFORCE_ENTITLEMENTS: 'false' });

  it('a student asks with a photo, a tutor accepts, both are in the room: mute, the More menu and chat; focus follows each page', async () => {
    const baseUrl = env.server().baseUrl;
    const newPage = async () => (await env.browser().newContext({ viewport: smallPhone, baseURL: baseUrl, serviceWorkers: 'block' })).newPage();

    // ---- The tutor goes online: Space on the switch.
    const tutor = await newPage();
    await logInByKeyboard(tutor, 'tutor08@tutorline.test');
    const toggle = tutor.getByTestId('availability-toggle');
    await tutor.locator('[data-testid="availability-toggle"]:enabled').waitFor();
    if (!(await toggle.isChecked())) {
      await tabTo(tutor, toggle);
      await tutor.keyboard.press('Space');
    }
    await expect.poll(() => toggle.isChecked()).toBe(true);
    await tutor.getByTestId('tutor-feed').waitFor();

    // ---- The student asks: the nav link by Enter, the fields by Tab and the arrow keys, Send by Enter.
    const student = await newPage();
    await logInByKeyboard(student, 'student15@tutorline.test');
    await tabTo(student, student.getByTestId('app-nav').getByRole('link', { name: 'Ask' }));
    await student.keyboard.press('Enter');
    await student.waitForURL(/\/student\/ask$/);
    await expectFocusOnHeading(student, 'Ask a question');
    // A file chooser is the OS's own window: the file is set on the input, as the brief allows.
    await student.getByTestId('photo-input').setInputFiles({ name: 'question.jpg', mimeType: 'image/jpeg', buffer: await photo() });
    await chooseByKeyboard(student, student.getByTestId('ask-subject'), 'maths');
    await chooseByKeyboard(student, student.getByTestId('ask-level'), 'grade-9-10');
    await tabTo(student, student.getByTestId('ask-text'));
    await student.keyboard.type('How do I solve for x?');
    await tabTo(student, student.getByTestId('ask-submit'));
    await student.keyboard.press('Enter');
    await student.waitForURL(/\/student\/questions\/[0-9a-f-]+$/, { timeout: 30_000 });
    await expectFocusOnHeading(student, 'Finding a tutor');
    const questionId = /questions\/([0-9a-f-]+)$/.exec(student.url())![1]!;

    // ---- The tutor accepts with Enter on the question's Accept.
    const item = tutor.locator(`[data-testid="feed-item"][data-question-id="${questionId}"]`);
    await item.waitFor({ timeout: 20_000 });
    await tabTo(tutor, item.getByTestId('accept-question'));
    await tutor.keyboard.press('Enter');
    await tutor.waitForURL(/\/session\/[0-9a-f-]+$/);

    // ---- The student hears "Tutor found" (the shell's live region outlives the waiting page) and is taken in.
    const announcer = student.locator('[data-testid="announcer"][role="status"]');
    await expect.poll(() => announcer.textContent(), { timeout: 15_000 }).toMatch(/^Tutor found: .+\. Opening your session…$/);
    await student.waitForURL(/\/session\/[0-9a-f-]+$/);
    await student.getByTestId('call-view').waitFor({ timeout: 30_000 });
    await expectFocusOnHeading(student, /^Session with /);

    // ---- Mute with Enter: the button says it is pressed.
    const mute = student.getByTestId('btn-mute');
    await tabTo(student, mute);
    await student.keyboard.press('Enter');
    await expect.poll(() => mute.getAttribute('aria-pressed')).toBe('true');

    // ---- More: Enter opens the menu with focus on its first item; Escape closes it and focus is back on More.
    const more = student.getByTestId('btn-more');
    await tabTo(student, more);
    await student.keyboard.press('Enter');
    await student.getByTestId('call-menu').waitFor();
    await expect.poll(() => student.evaluate(() => document.activeElement?.getAttribute('role') ?? '')).toMatch(/^menuitem/);
    await student.keyboard.press('Escape');
    await expect.poll(() => isFocused(more)).toBe(true);

    // ---- Chat: the Chat tab by Enter, a message typed and sent with Enter; the tutor gets it.
    await tabTo(student, student.getByTestId('tab-chat'));
    await student.keyboard.press('Enter');
    await tabTo(student, student.getByLabel('Message'));
    await student.keyboard.type('Is it x = 5?');
    await student.keyboard.press('Enter');
    await tutor.getByTestId('tab-chat').waitFor();
    await tabTo(tutor, tutor.getByTestId('tab-chat'));
    await tutor.keyboard.press('Enter');
    await tutor.locator('.chat-list li', { hasText: 'Is it x = 5?' }).waitFor({ timeout: 10_000 });
    expect(await focusedTag(tutor)).toBe('button');

    await student.context().close();
    await tutor.context().close();
  });

  it('a student books a lesson and pays on the fake payment page with the keyboard alone', async () => {
    const baseUrl = env.server().baseUrl;
    const page = await (await env.browser().newContext({ viewport: smallPhone, baseURL: baseUrl, serviceWorkers: 'block' })).newPage();
    await logInByKeyboard(page, 'student16@tutorline.test');
    await tabTo(page, page.getByTestId('app-nav').getByRole('link', { name: 'Find a tutor' }));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/tutors$/);
    await expectFocusOnHeading(page, 'Find a tutor');
    await tabTo(page, page.getByTestId('tutor-card').first().getByRole('link').first());
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/tutors\/[0-9a-f-]+$/);
    await expect.poll(() => focusedTag(page), { timeout: 15_000 }).toBe('h1');

    // The first free time: Tab into the radio group, Space picks it; then Book.
    const picker = page.getByTestId('slot-picker');
    await picker.locator('input.slot-radio').first().waitFor({ timeout: 20_000 });
    await tabTo(page, picker.locator('input.slot-radio').first());
    await page.keyboard.press('Space');
    const book = page.getByTestId('book-box').getByRole('button', { name: /^Book/ });
    await tabTo(page, book);
    await page.keyboard.press('Enter');
    const held = page.getByTestId('booking-held');
    await held.waitFor({ timeout: 15_000 });
    await tabTo(page, held.getByRole('button', { name: /^Pay / }));
    await page.keyboard.press('Enter');

    // The provider's page: Pay successfully, then back to Tutorline, all by keyboard.
    await page.waitForURL(/\/dev\/fake-pay\/[0-9a-f-]+$/);
    await tabTo(page, page.getByRole('button', { name: 'Pay successfully' }));
    await page.keyboard.press('Enter');
    await tabTo(page, page.getByRole('link', { name: 'Back to Tutorline' }));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/lessons\/paid\?checkout=/);
    await page.getByTestId('payment-confirmed').waitFor({ timeout: 20_000 });
    await page.context().close();
  });
});
