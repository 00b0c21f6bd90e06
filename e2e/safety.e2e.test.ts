import { describe, expect, it } from 'vitest';
import { chromiumAvailable, logIn, screenshotPath, useServerAndBrowser } from './harness';
import { claimedSession, openRoom } from './room-helpers';

const canRun = chromiumAvailable('e2e: safety reports and blocks');
const small = { width: 360, height: 780 };

describe.skipIf(!canRun)('safety (#20): a student reports and blocks a tutor from the room; ops closes the report; the block is listed', () => {
  const env = useServerAndBrowser();

  it('shows the review notice and the masked-chat warning, sends the report with a block from the More menu, and ops sees the hidden original', async () => {
    const baseUrl = env.server().baseUrl;
    // student07 is 15 (a minor with consent in the demo data), tutor08 teaches maths grade 9–10.
    const { sessionId, student, tutor } = await claimedSession(env.browser(), baseUrl, 'student07@tutorline.test', 'tutor08@tutorline.test');
    await student.page.setViewportSize(small);
    const tutorName = ((await (await tutor.page.request.get('/api/me')).json()) as { displayName: string }).displayName;
    await Promise.all([openRoom(student.page, sessionId), openRoom(tutor.page, sessionId)]);

    // The quiet notice in a minor's room, for both, read out as a status.
    const notice = student.page.getByRole('status').filter({ hasText: 'may be reviewed' });
    await notice.waitFor();
    await tutor.page.getByTestId('review-notice').waitFor();
    await student.page.screenshot({ path: screenshotPath('safety-review-notice-360x780') });

    // The tutor writes a phone number: the student gets it masked, the tutor is told why, under the message.
    await tutor.page.getByTestId('tab-chat').click();
    await student.page.getByTestId('tab-chat').click();
    await tutor.page.getByTestId('chat-input').fill('whatsapp me on 98765 43210');
    await tutor.page.getByTestId('chat-send').click();
    await expect.poll(() => tutor.page.getByTestId('chat-warning').textContent()).toContain("can't be shared with students under 18");
    await student.page.locator('[data-testid="chat-message"]', { hasText: 'whatsapp me on' }).waitFor();
    expect(await student.page.getByTestId('chat-panel').textContent()).not.toContain('98765');
    // Two more attempts in this session reach the repeat threshold: ops get a flag.
    const delivered = tutor.page.locator('[data-testid="chat-message"]:not([data-pending])');
    for (const [i, text] of ['or mail me at nisha.tutor@example.com', 'insta is @nisha.tutor'].entries()) {
      await tutor.page.getByTestId('chat-input').fill(text);
      await tutor.page.getByTestId('chat-send').click();
      await expect.poll(() => delivered.count()).toBe(i + 2);
    }
    expect(await tutor.page.getByTestId('chat-warning').count()).toBe(1);

    // Report from the More menu, by keyboard: the item is named after the tutor.
    await student.page.getByTestId('btn-more').focus();
    await student.page.keyboard.press('Enter');
    const item = student.page.getByRole('menuitem', { name: `Report ${tutorName}` });
    await item.waitFor();
    for (let i = 0; i < 12 && !(await item.evaluate((el) => el === document.activeElement)); i++) await student.page.keyboard.press('ArrowDown');
    await student.page.keyboard.press('Enter');
    const dialog = student.page.getByTestId('safety-report-dialog');
    await dialog.waitFor();
    await dialog.getByTestId('safety-report-submit').click();
    await dialog.getByTestId('safety-missing').waitFor();
    await dialog.getByLabel('Asked for my phone number, social media or to talk outside Tutorline').check();
    await dialog.getByLabel('Tell us more').fill('He wants me to message him on WhatsApp.');
    await dialog.getByLabel('Also block this tutor').check();
    await student.page.screenshot({ path: screenshotPath('safety-report-dialog-360x780') });
    await dialog.getByTestId('safety-report-submit').click();
    await dialog.getByTestId('safety-report-blocked').waitFor();
    expect(await dialog.getByTestId('safety-report-sent').textContent()).toContain('safety team');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // Ops (the demo admin holds every staff role) finds it in the queue, with the chat and what was hidden.
    const ops = await logIn(env.browser(), baseUrl, 'admin@tutorline.test');
    await ops.page.setViewportSize(small);
    await ops.page.goto('/admin/safety');
    const row = ops.page.getByTestId('safety-report-row').filter({ hasText: 'Contact request' });
    await row.waitFor();
    await ops.page.getByTestId('safety-flag').filter({ hasText: 'Repeated attempts to share contact details' }).waitFor();
    await ops.page.screenshot({ path: screenshotPath('safety-ops-queue-360x780'), fullPage: true });
    await row.getByRole('link').click();
    await ops.page.getByTestId('safety-report').waitFor();
    expect(await ops.page.getByTestId('safety-reported').textContent()).toContain(tutorName);
    expect(await ops.page.getByTestId('safety-reporter').textContent()).toContain('who blocked them');
    expect(await ops.page.getByTestId('safety-chat').textContent()).toContain('whatsapp me on •••');
    expect(await ops.page.getByTestId('safety-original').allTextContents()).toEqual([
      expect.stringContaining('98765 43210'),
      expect.stringContaining('nisha.tutor@example.com'),
      expect.stringContaining('@nisha.tutor'),
    ]);
    expect(await ops.page.getByTestId('safety-session-link').getAttribute('href')).toBe(`/session/${sessionId}`);
    await ops.page.screenshot({ path: screenshotPath('safety-ops-report-360x780'), fullPage: true });
    await ops.page.getByLabel('Resolution').fill('Warned the tutor about contact rules; chat reviewed.');
    await ops.page.getByTestId('safety-close-submit').click();
    await expect.poll(() => ops.page.getByTestId('safety-status').textContent()).toContain('Closed');
    await ops.page.goto('/admin/safety');
    await ops.page.getByTestId('safety-queue-empty').waitFor();

    // The student's blocked list names the tutor (a new tab: the room stays in its call), and Unblock works.
    const settings = await student.context.newPage();
    await settings.setViewportSize(small);
    await settings.goto('/settings/blocked');
    const blocked = settings.getByTestId('blocked-tutor');
    await blocked.waitFor();
    expect(await blocked.textContent()).toContain(tutorName);
    await settings.screenshot({ path: screenshotPath('safety-blocked-360x780') });
    await settings.getByRole('button', { name: `Unblock ${tutorName}` }).click();
    await settings.getByTestId('blocked-none').waitFor();

    for (const c of [student, tutor, ops]) await c.context.close();
  });
});
