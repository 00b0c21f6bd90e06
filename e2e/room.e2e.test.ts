import { describe, expect, it } from 'vitest';
import { chromiumAvailable, screenshotPath, useServerAndBrowser } from './harness';
import { claimedSession, expectMediaFlowing, mediaStats, openRoom, pressCallControl, waitFor } from './room-helpers';

const canRun = chromiumAvailable('e2e: live room');

describe.skipIf(!canRun)('the live room in Chromium: a real call between two browsers', () => {
  const env = useServerAndBrowser();

  it('connects the student and the tutor of a claimed question with video and audio both ways; mute, screen share, chat and board work', async () => {
    const { sessionId, student, tutor } = await claimedSession(env.browser(), env.server().baseUrl, 'student02@tutorline.test', 'tutor08@tutorline.test');
    await Promise.all([openRoom(student.page, sessionId), openRoom(tutor.page, sessionId)]);
    // Media flows both ways: frames decoded and audio bytes growing on each side.
    const [atStudent, atTutor] = await Promise.all([expectMediaFlowing(student.page), expectMediaFlowing(tutor.page)]);
    expect(atStudent.pair?.local).toBe('host');
    expect(atTutor.framesDecoded).toBeGreaterThan(0);
    await student.page.getByTestId('call-view').and(student.page.locator('[data-state="connected"]')).waitFor();
    await student.page.screenshot({ path: screenshotPath('room-student-call-390x844') });

    // Mute: outbound audio bytes stop growing (not just a silent track).
    await student.page.getByTestId('btn-mute').click();
    await expect.poll(async () => (await student.page.getByTestId('btn-mute').getAttribute('aria-pressed')) ?? '').toBe('true');
    await student.page.waitForTimeout(500);
    const mutedA = await mediaStats(student.page);
    await student.page.waitForTimeout(1500);
    const mutedB = await mediaStats(student.page);
    expect(mutedB.audioBytesSent).toBe(mutedA.audioBytesSent);
    await student.page.getByTestId('btn-mute').click();
    await waitFor(student.page, (s) => s.audioBytesSent > mutedB.audioBytesSent);

    // Screen share switches the track: the tutor sees a 1280×720 "screen" instead of the 640×480 camera, shown large.
    const cameraSize = await mediaStats(tutor.page);
    await pressCallControl(student.page, 'btn-screen');
    await waitFor(tutor.page, (s) => s.frameWidth !== cameraSize.frameWidth || s.frameHeight !== cameraSize.frameHeight, 20_000);
    await tutor.page.locator('[data-testid="remote-video"][data-screen="true"]').waitFor({ state: 'attached', timeout: 10_000 });
    await tutor.page.screenshot({ path: screenshotPath('room-tutor-sees-screen-390x844') });
    await pressCallControl(student.page, 'btn-screen');

    // Chat: a message from each side appears on the other, in order.
    await student.page.getByTestId('tab-chat').click();
    await tutor.page.getByTestId('tab-chat').click();
    await student.page.getByTestId('chat-input').fill('Is it x = 5?');
    await student.page.getByTestId('chat-send').click();
    await tutor.page.locator('[data-testid="chat-message"]', { hasText: 'Is it x = 5?' }).waitFor();
    await tutor.page.getByTestId('chat-input').fill('Yes! Add 4 to both sides, then divide by 3.');
    await tutor.page.getByTestId('chat-send').click();
    await student.page.locator('[data-testid="chat-message"]', { hasText: 'divide by 3' }).waitFor();
    expect(await student.page.locator('[data-testid="chat-message"]:not([data-pending])').allTextContents()).toEqual([expect.stringContaining('Is it x = 5?'), expect.stringContaining('divide by 3')]);
    await student.page.screenshot({ path: screenshotPath('room-student-chat-390x844') });

    // Board: a shape drawn on one side appears on the other.
    await student.page.getByTestId('tab-board').click();
    await tutor.page.getByTestId('tab-board').click();
    await student.page.waitForFunction(() => Boolean(window.__tutorlineBoard), undefined, { timeout: 30_000 });
    await tutor.page.waitForFunction(() => Boolean(window.__tutorlineBoard), undefined, { timeout: 30_000 });
    const before = await student.page.evaluate(() => window.__tutorlineBoard!.elementCount());
    await tutor.page.evaluate(() => window.__tutorlineBoard!.addRectangle());
    await student.page.waitForFunction((n) => window.__tutorlineBoard!.elementCount() > n, before, { timeout: 10_000 });
    await tutor.page.screenshot({ path: screenshotPath('room-tutor-board-390x844') });

    await student.context.close();
    await tutor.context.close();
  });
});
